//! Built-in functions ("primops"): a name, an arity, and a Rust function that receives
//! exactly `arity` (lazy) arguments once the primop is fully applied.

use crate::error::EvalResult;
use crate::value::Value;
use crate::Evaluator;
use rnix_eval_parser::Span;

pub type PrimOpFn = fn(&mut Evaluator, &[Value], Option<Span>) -> EvalResult<Value>;

pub struct PrimOpDef {
    /// The name in `builtins`.
    pub name: &'static str,
    pub arity: usize,
    pub func: PrimOpFn,
    /// Also bound in the global scope without the `__` prefix (`map`, `toString`, ...).
    pub global: bool,
    /// Forces every argument, in order, before anything else: a call with all
    /// arguments present may evaluate them directly instead of allocating thunks.
    pub strict: bool,
}

/// Declare primop tables tersely: `prim!(name, arity, func)`, `prim!(global name, ...)`
/// (also a plain global), `prim!(strict name, ...)` (forces all arguments first).
#[macro_export]
macro_rules! prim {
    (@def $name:expr, $arity:expr, $func:expr, $global:expr, $strict:expr) => {
        $crate::primops::PrimOpDef { name: $name, arity: $arity, func: $func, global: $global, strict: $strict }
    };
    (global $name:expr, $arity:expr, $func:expr) => {
        $crate::prim!(@def $name, $arity, $func, true, false)
    };
    (strict $name:expr, $arity:expr, $func:expr) => {
        $crate::prim!(@def $name, $arity, $func, false, true)
    };
    ($name:expr, $arity:expr, $func:expr) => {
        $crate::prim!(@def $name, $arity, $func, false, false)
    };
}
