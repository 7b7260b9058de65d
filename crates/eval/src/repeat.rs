//! One function called once per element by a builtin (`filter`, `foldl'`, `sort`, `any`,
//! `all`, `partition`, `concatMap`, `groupBy`).
//!
//! A call of `x: body` allocates a one-slot frame and frees it when the body returns,
//! unless something the body made (a closure, a thunk) kept it. So the builtin keeps the
//! frame of the last call and, if nothing else refers to it, writes the next element into
//! its slot instead of freeing one block and allocating the next: `filter (x: x != e)`
//! spent a sixth of its instructions in the allocator and in freeing frames. The call is
//! otherwise the same (call depth, `NIX_SHOW_STATS`' function calls, the profiler's path).

use crate::env::Env;
use crate::stats::{self, Counter};
use crate::value::{Closure, Value};
use crate::{EvalResult, Evaluator};
use rnix_eval_parser::ast::Expr;
use rnix_eval_parser::Span;

/// The innermost frame of the last call, and the closure it was made for.
#[derive(Default)]
pub struct Repeated {
    frame: Option<Env>,
    closure: Option<*const Closure>,
}

impl Evaluator {
    /// `f arg`, as [`Evaluator::call_ref`]; `r` must be used with one `f` only (checked).
    #[inline]
    pub fn call_again(&mut self, r: &mut Repeated, f: &Value, arg: Value, span: Option<Span>) -> EvalResult<Value> {
        let Value::Lambda(closure) = f else {
            return self.call_ref(f, arg, span);
        };
        let lambda = closure.lambda;
        if lambda.formals.is_some() || self.profiler.is_some() || self.call_depth >= self.max_call_depth {
            return self.call_ref(f, arg, span);
        }
        let frame = frame_for(r.take_frame(closure), closure, arg);
        self.eval_body(r, closure, &lambda.body, frame, 1)
    }

    /// `f a b`, as [`Evaluator::call2_ref`]: for `f` = `x: y: body`, both frames of the
    /// last call are filled again when nothing else refers to either.
    #[inline]
    pub fn call2_again(
        &mut self,
        r: &mut Repeated,
        f: &Value,
        a: Value,
        b: Value,
        span: Option<Span>,
    ) -> EvalResult<Value> {
        let Some(inner) = self.curried_body(f) else {
            return self.call2_ref(f, a, b, span);
        };
        let Value::Lambda(closure) = f else {
            unreachable!("curried_body only accepts lambdas")
        };
        if self.profiler.is_some() {
            return self.call2_ref(f, a, b, span);
        }
        let frame = frames_for(r.take_frame(closure), closure, a, b);
        self.eval_body(r, closure, &inner.body, frame, 2)
    }

    /// The body of `calls` nested lambdas in their innermost frame, counted as that many
    /// calls; the frame is kept for the next call. It is kept before the body runs, and
    /// the body is evaluated last ([`Evaluator::eval_entered`] uncounts the calls), so
    /// that its result is written where the caller reads it.
    #[inline]
    fn eval_body(
        &mut self,
        r: &mut Repeated,
        closure: &Closure,
        body: &'static Expr,
        frame: Env,
        calls: usize,
    ) -> EvalResult<Value> {
        stats::bump(Counter::FunctionCalls, calls as u64);
        self.call_depth += calls;
        let frame = r.keep(closure, frame);
        self.eval_entered(body, frame, calls)
    }
}

/// The frame `[arg]` of `x: body`: the last call's, if nothing else refers to it, else a
/// new one.
fn frame_for(last: Option<Env>, closure: &Closure, arg: Value) -> Env {
    let arg = match last {
        Some(frame) => match frame.refill(arg) {
            Ok(()) => return frame,
            Err(arg) => arg,
        },
        None => arg,
    };
    Env::with_slot(Some(closure.env.clone()), arg)
}

/// The inner frame `[b]` over the outer `[a]` of `x: y: body`: the last call's, if neither
/// is shared (the inner one first: through it, anything holding it reads the outer one),
/// else a new pair (an inner frame's parent cannot change).
fn frames_for(last: Option<Env>, closure: &Closure, a: Value, b: Value) -> Env {
    let mut a = a;
    if let Some(frame) = last.filter(Env::is_unshared_one_slot) {
        let outer = frame.parent().expect("a curried call's inner frame has the outer one");
        match outer.refill(a) {
            Ok(()) => {
                if frame.refill(b).is_err() {
                    unreachable!("the inner frame was checked unshared");
                }
                return frame;
            }
            Err(back) => a = back,
        }
    }
    Env::with_slot(Some(frame_for(None, closure, a)), b)
}

impl Repeated {
    /// The last call's frame if it was made for `closure`.
    #[inline]
    fn take_frame(&mut self, closure: &Closure) -> Option<Env> {
        if self.closure != Some(closure as *const Closure) {
            return None;
        }
        self.frame.take()
    }

    #[inline]
    fn keep(&mut self, closure: &Closure, frame: Env) -> &Env {
        self.closure = Some(closure as *const Closure);
        self.frame.insert(frame)
    }
}
