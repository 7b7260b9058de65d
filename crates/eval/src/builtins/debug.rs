//! Debugging builtins of modern Nix: `traceVerbose`, `warn` and `break`.
//!
//! `traceVerbose` prints only with `--trace-verbose`; rnix-eval has no debugger, so `break`
//! returns its value, as modern Nix does without `--debugger`.

use crate::error::EvalResult;
use crate::primops::PrimOpDef;
use crate::value::Value;
use crate::{bail, prim, Evaluator};
use rnix_eval_parser::Span;

pub(super) static PRIMOPS: &[PrimOpDef] = &[
    prim!("traceVerbose", 2, |ev, a, s| {
        if ev.trace_verbose {
            super::control::trace(ev, a, s)
        } else {
            ev.force(&a[1])
        }
    }),
    prim!("warn", 2, warn),
    // Registered without `__` in Nix, so it is a plain global like `abort`.
    prim!(global "break", 1, |ev, a, _| ev.force(&a[0])),
];

/// Modern Nix: the message must be a string (so later versions can print other values
/// differently); it goes to stderr as `evaluation warning: MSG`.
fn warn(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let msg = ev.expect_string(&a[0], span)?;
    // The message's bytes as they are, as Nix writes them.
    let mut line = b"evaluation warning: ".to_vec();
    line.extend_from_slice(msg.as_bytes());
    crate::term::eprint_line(&line);
    if ev.abort_on_warn {
        bail!(
            span,
            "aborting to reveal stack trace of warning, as abort-on-warn is set"
        );
    }
    ev.force(&a[1])
}
