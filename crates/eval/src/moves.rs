//! `++` and `//` whose operand is a lambda parameter the lowerer found read nowhere
//! else (`rnix_eval_parser::moves`): the list or set leaves its frame slot, so that the
//! operator can reuse its block, or take its elements without raising and then dropping
//! each one's count.
//!
//! A slot is emptied only when no thunk or closure shares a frame from the expression's
//! up to the parameter's ([`Env::take_unshared`]): then nothing can evaluate the
//! expression again in that frame. It is emptied before either operand is evaluated
//! (when a thunk of the other operand may share the frame after), which nothing can tell
//! apart: no other expression reads the variable. A slot that holds a thunk gives the
//! thunk up, which is forced where the variable would have been read (so the order of
//! evaluation and errors is the ordinary one); when nothing else held the thunk, its
//! value then has one holder fewer. On any failure the slot gets back what it had, so
//! the error is the ordinary one.

use crate::env::Env;
use crate::error::EvalResult;
use crate::eval::at_forcing_site;
use crate::ops::{concat_lists, update_sets};
use crate::value::{release, Value};
use crate::Evaluator;
use rnix_eval_parser::ast::{self, BinOpKind, Expr};

/// The frame depth and slot of a local variable, and its span.
fn local(e: &Expr) -> Option<(u32, u32, rnix_eval_parser::Span)> {
    match e {
        Expr::Var(ast::Var {
            kind: ast::VarKind::Local { depth, slot },
            span,
            ..
        }) => Some((*depth, *slot, *span)),
        _ => None,
    }
}

/// What the slot of the marked operand `e` held, taken out: a list (`++`) or set (`//`),
/// or a thunk whose value may be one. `None` (the slot untouched) for anything else or
/// when the frames are shared.
fn take(e: &Expr, op: BinOpKind, env: &Env) -> Option<Value> {
    let (depth, slot, _) = local(e)?;
    let v = env.take_unshared(depth, slot)?;
    match (op, &v) {
        (_, Value::Thunk(_)) | (BinOpKind::Concat, Value::List(_)) | (BinOpKind::Update, Value::Attrs(_)) => Some(v),
        _ => {
            env.put_back(depth, slot, v);
            None
        }
    }
}

/// Give the slot of `e` back what [`take`] took.
fn put_back(e: &Expr, env: &Env, v: Value) {
    if let Some((depth, slot, _)) = local(e) {
        env.put_back(depth, slot, v);
    }
}

impl Evaluator {
    /// The value of the taken operand `e`: a thunk is forced as a read of the variable
    /// forces it, then let go; on failure it goes back into its slot.
    fn value_of_taken(&mut self, e: &Expr, env: &Env, taken: Value) -> EvalResult<Value> {
        if !matches!(taken, Value::Thunk(_)) {
            return Ok(taken);
        }
        match self.force(&taken) {
            Ok(v) => {
                release(taken);
                Ok(v)
            }
            Err(err) => {
                put_back(e, env, taken);
                Err(at_forcing_site(err, local(e).map(|(_, _, span)| span)))
            }
        }
    }

    /// `acc ++ e` or `acc // e` with `acc` marked (`move_lhs`): its list or set is moved
    /// out of its slot; a list is then appended to in place, a set nothing else holds
    /// takes `e`'s few attributes in place. `None`: not taken (the ordinary path runs).
    #[inline(never)]
    pub(crate) fn eval_moving(&mut self, b: &'static ast::BinOp, env: &Env) -> Option<EvalResult<Value>> {
        let taken = take(&b.lhs, b.op, env)?;
        let l = match self.value_of_taken(&b.lhs, env, taken) {
            Ok(l) => l,
            Err(e) => return Some(Err(e)),
        };
        let r = match self.eval(&b.rhs, env) {
            Ok(r) => r,
            Err(e) => {
                put_back(&b.lhs, env, l);
                return Some(Err(e));
            }
        };
        Some(match (l, r) {
            (Value::List(a), Value::List(r)) => Ok(concat_lists(a, r)),
            (Value::Attrs(a), Value::Attrs(r)) => Ok(update_sets(a, r)),
            (l, r) => {
                put_back(&b.lhs, env, l.clone());
                self.binop_values(b.op, &l, &r, Some(b.span))
            }
        })
    }

    /// `l ++ r`, left operand first; a marked right operand (`move_rhs`) is taken from
    /// its slot before the left one is evaluated, and read (forced) after it.
    #[inline(never)]
    pub(crate) fn eval_concat(&mut self, b: &'static ast::BinOp, env: &Env) -> EvalResult<Value> {
        let taken = if b.move_rhs {
            take(&b.rhs, BinOpKind::Concat, env)
        } else {
            None
        };
        let moved = taken.is_some();
        let l = match self.eval(&b.lhs, env) {
            Ok(l) => l,
            Err(e) => {
                if let Some(v) = taken {
                    put_back(&b.rhs, env, v);
                }
                return Err(e);
            }
        };
        let r = match taken {
            Some(v) => self.value_of_taken(&b.rhs, env, v)?,
            None => self.eval(&b.rhs, env)?,
        };
        match (l, r) {
            (Value::List(a), Value::List(r)) => Ok(concat_lists(a, r)),
            (l, r) => {
                if moved {
                    put_back(&b.rhs, env, r.clone());
                }
                self.binop_values(BinOpKind::Concat, &l, &r, Some(b.span))
            }
        }
    }
}
