//! `--eval-profiler flamegraph`: a sampling profiler of Nix function calls, writing the
//! collapsed-stack format `flamegraph.pl` reads, as modern Nix's (`eval-profiler.cc`).
//!
//! Each call of a Nix function or builtin pushes a frame (its call site and what was
//! called) while profiling is on. A timer thread raises a flag at the sampling frequency;
//! the next call that sees the flag counts the current stack. The interpreter thus never
//! reads a clock, and pays one well-predicted branch per call when profiling is off.
//! Frames name positions as Nix does: `file:line:col:name` for a lambda (its call site,
//! else its definition), `file:line:col:primop NAME` for a builtin.

use crate::env::Env;
use crate::value::{Closure, Value};
use crate::Evaluator;
use rnix_eval_parser::ast;
use rnix_eval_parser::Span;
use rustc_hash::FxHashMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// What a frame called.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Callee {
    Lambda(*const ast::Lambda),
    PrimOp(&'static str),
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Frame {
    call_site: Option<Span>,
    callee: Callee,
}

/// The sampling state of one evaluation.
pub struct Profiler {
    stack: Vec<Frame>,
    samples: FxHashMap<Vec<Frame>, u64>,
    /// Raised by the timer thread; a call that sees it takes a sample.
    tick: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    /// Frequency 0: sample at every call.
    every_call: bool,
    output: std::path::PathBuf,
}

impl Profiler {
    /// Sample `frequency` times a second (0: at every call, as Nix) into `output`, which
    /// is created (truncated) now so that an unwritable path fails before evaluating.
    pub fn start(output: std::path::PathBuf, frequency: u64) -> std::io::Result<Profiler> {
        std::fs::File::create(&output)?;
        let tick = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        if let Some(nanos) = 1_000_000_000u64.checked_div(frequency) {
            let (tick, stop) = (tick.clone(), stop.clone());
            let period = Duration::from_nanos(nanos);
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(period);
                    tick.store(true, Ordering::Relaxed);
                }
            });
        }
        Ok(Profiler {
            stack: Vec::new(),
            samples: FxHashMap::default(),
            tick,
            stop,
            every_call: frequency == 0,
            output,
        })
    }

    fn enter(&mut self, frame: Frame) {
        self.stack.push(frame);
        let sample = self.every_call || (self.tick.load(Ordering::Relaxed) && self.tick.swap(false, Ordering::Relaxed));
        if sample {
            *self.samples.entry(self.stack.clone()).or_insert(0) += 1;
        }
    }

    fn leave(&mut self) {
        self.stack.pop();
    }

    /// Write the collapsed stacks (one `frame;frame;... count` line each) and stop the
    /// timer. Lines are sorted so that equal profiles give equal files.
    pub fn finish(self) -> std::io::Result<()> {
        self.stop.store(true, Ordering::Relaxed);
        let mut lines: Vec<String> = self
            .samples
            .iter()
            .map(|(stack, count)| {
                let frames: Vec<String> = stack.iter().map(symbolize).collect();
                format!("{} {count}", frames.join(";"))
            })
            .collect();
        lines.sort();
        let tmp = self.output.with_extension("profile.tmp");
        let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        for line in &lines {
            writeln!(out, "{line}")?;
        }
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, &self.output)
    }
}

fn symbolize(frame: &Frame) -> String {
    match frame.callee {
        Callee::Lambda(lambda) => {
            // SAFETY: lowered expressions live for the process (they are leaked when
            // evaluation starts), so the pointer a frame keeps is valid.
            let lambda = unsafe { &*lambda };
            let pos = frame.call_site.unwrap_or(lambda.span).describe();
            match lambda.name {
                Some(name) => format!("{pos}:{}", name.as_str()),
                None => pos,
            }
        }
        Callee::PrimOp(name) => match frame.call_site {
            Some(site) => format!("{}:primop {name}", site.describe()),
            None => format!("primop {name}"),
        },
    }
}

impl Evaluator {
    fn profile_enter(&mut self, callee: Callee, call_site: Option<Span>) {
        if let Some(p) = &mut self.profiler {
            p.enter(Frame { call_site, callee });
        }
    }

    fn profile_leave(&mut self) {
        if let Some(p) = &mut self.profiler {
            p.leave();
        }
    }

    pub(crate) fn call_primop_profiled(
        &mut self,
        op: &'static crate::primops::PrimOpDef,
        args: &[Value],
        span: Option<Span>,
    ) -> crate::error::EvalResult<Value> {
        self.profile_enter(Callee::PrimOp(op.name), span);
        let result = (op.func)(self, args, span);
        self.profile_leave();
        result
    }

    pub(crate) fn call_lambda_profiled(
        &mut self,
        closure: &Closure,
        arg: Value,
        span: Option<Span>,
    ) -> crate::error::EvalResult<Value> {
        self.profile_enter(Callee::Lambda(closure.lambda), span);
        // The call its caller counted is uncounted by `call_lambda_inner`.
        let result = self.call_lambda_inner(closure, closure.lambda, arg, span, 1);
        self.profile_leave();
        result
    }

    /// `x: y: body` applied to two arguments, profiled as the two calls it is.
    pub(crate) fn call_curried_profiled(
        &mut self,
        closure: &Closure,
        inner: &'static ast::Lambda,
        a: Value,
        b: Value,
    ) -> crate::error::EvalResult<Value> {
        self.profile_enter(Callee::Lambda(closure.lambda), None);
        self.profile_enter(Callee::Lambda(inner), None);
        self.call_depth += 2;
        let outer = Env::with_slot(Some(closure.env.clone()), a);
        let frame: Env = Env::with_slot(Some(outer), b);
        let result = self.eval(&inner.body, &frame);
        self.call_depth -= 2;
        self.profile_leave();
        self.profile_leave();
        result
    }
}
