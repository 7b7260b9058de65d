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
}

/// Declare primop tables tersely: `prim!(name, arity, func)` / `prim!(global name, ...)`.
#[macro_export]
macro_rules! prim {
    (global $name:expr, $arity:expr, $func:expr) => {
        $crate::primops::PrimOpDef {
            name: $name,
            arity: $arity,
            func: $func,
            global: true,
        }
    };
    ($name:expr, $arity:expr, $func:expr) => {
        $crate::primops::PrimOpDef {
            name: $name,
            arity: $arity,
            func: $func,
            global: false,
        }
    };
}
