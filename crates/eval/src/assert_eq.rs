//! Failed `assert a == b`: modern Nix evaluates both sides again and explains where they
//! differ (`string '"x"' is not equal to string '"y"'`) instead of `assertion '(a == b)'
//! failed`. Source: `src/libexpr/eval.cc` (`ExprAssert::eval`, `EvalState::assertEqValues`,
//! which must walk values exactly as `eqValues` does).

use crate::error::{ErrorKind, EvalError, EvalResult};
use crate::show_value::{error_value, show_type};
use crate::value::Value;
use crate::Evaluator;
use rnix_eval_parser::ast::{self, BinOpKind, Expr};
use rnix_eval_parser::show::identifier;

fn unequal(message: String) -> Box<EvalError> {
    EvalError::new(ErrorKind::Assert, message, None)
}

/// `nType`: functions are one type whatever their kind.
fn type_class(v: &Value) -> u8 {
    match v {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Int(_) => 2,
        Value::Float(_) => 3,
        Value::String(_) => 4,
        Value::Path(_) => 5,
        Value::Attrs(_) => 6,
        Value::List(_) => 7,
        Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_) => 8,
        Value::Thunk(_) => 9,
    }
}

impl Evaluator {
    /// The error of a failed assertion: the explanation of `assertEqValues` when the
    /// condition is `a == b`, else `assertion '...' failed`.
    pub(crate) fn failed_assertion(&mut self, a: &'static ast::Assert, env: &crate::env::Env) -> Box<EvalError> {
        if let Expr::BinOp(b) = &a.cond {
            if b.op == BinOpKind::Eq {
                let sides = self.eval(&b.lhs, env).and_then(|l| Ok((l, self.eval(&b.rhs, env)?)));
                if let Err(mut e) = sides.and_then(|(l, r)| self.assert_eq_values(&l, &r, false)) {
                    // Modern Nix puts the assertion in a frame; without `--show-trace`, the
                    // assertion's position stands for it (Nix 2.8's `at` line).
                    e.trace.push(crate::error::TraceFrame {
                        span: Some(a.span),
                        message: format!(
                            "while evaluating the condition of the assertion '{}'",
                            rnix_eval_parser::show::show(&a.cond)
                        ),
                    });
                    if e.span.is_none() {
                        e.span = Some(a.span);
                    }
                    return e;
                }
            }
        }
        let shown = rnix_eval_parser::show::show(&a.cond);
        EvalError::new(ErrorKind::Assert, format!("assertion '{shown}' failed"), Some(a.span))
    }

    /// `Ok` when `eq_values` would find the values equal, else the first difference.
    fn assert_eq_values(&mut self, a: &Value, b: &Value, nested: bool) -> EvalResult<()> {
        self.check_native_stack(None)?;
        let fa = self.force(a)?;
        let fb = self.force(b)?;
        if nested && a.same_cell(b) {
            return Ok(());
        }
        let numeric = |v: &Value| matches!(v, Value::Int(_) | Value::Float(_));
        if numeric(&fa) && numeric(&fb) {
            if self.eq_values(&fa, &fb, false)? {
                return Ok(());
            }
            return Err(unequal(format!(
                "{} with value '{}' is not equal to {} with value '{}'",
                show_type(&fa),
                error_value(&fa),
                show_type(&fb),
                error_value(&fb)
            )));
        }
        if type_class(&fa) != type_class(&fb) {
            return Err(unequal(format!(
                "{} of value '{}' is not equal to {} of value '{}'",
                show_type(&fa),
                error_value(&fa),
                show_type(&fb),
                error_value(&fb)
            )));
        }
        let (va, vb) = (error_value(&fa), error_value(&fb));
        match (&fa, &fb) {
            (Value::Bool(x), Value::Bool(y)) if x != y => {
                Err(unequal(format!("boolean '{va}' is not equal to boolean '{vb}'")))
            }
            (Value::String(x), Value::String(y)) if x.as_bytes() != y.as_bytes() => {
                Err(unequal(format!("string '{va}' is not equal to string '{vb}'")))
            }
            (Value::Path(x), Value::Path(y)) if x != y => {
                Err(unequal(format!("path '{va}' is not equal to path '{vb}'")))
            }
            (Value::List(x), Value::List(y)) => {
                if x.len() != y.len() {
                    return Err(unequal(format!(
                        "list of size '{}' is not equal to list of size '{}', left hand side is '{va}', right hand side is '{vb}'",
                        x.len(),
                        y.len()
                    )));
                }
                for (p, q) in x.iter().zip(y.iter()) {
                    self.assert_eq_values(p, q, true)?;
                }
                Ok(())
            }
            (Value::Attrs(x), Value::Attrs(y)) => {
                if self.is_derivation(x)? && self.is_derivation(y)? {
                    let out = self.sym.out_path;
                    if let (Some(p), Some(q)) = (x.get(out), y.get(out)) {
                        let (p, q) = (p.clone(), q.clone());
                        return self.assert_eq_values(&p, &q, true);
                    }
                }
                if x.len() != y.len() {
                    return Err(unequal(format!(
                        "attribute names of attribute set '{va}' differs from attribute set '{vb}'"
                    )));
                }
                for (p, q) in x.entries().iter().zip(y.entries().iter()) {
                    if p.name != q.name {
                        if y.get(p.name).is_none() {
                            return Err(unequal(format!(
                                "attribute name '{}' is contained in '{va}', but not in '{vb}'",
                                identifier(p.name.as_str())
                            )));
                        }
                        return Err(unequal(format!(
                            "attribute name '{}' is missing in '{va}', but is contained in '{vb}'",
                            identifier(q.name.as_str())
                        )));
                    }
                    self.assert_eq_values(&p.value, &q.value, true)?;
                }
                Ok(())
            }
            (Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_), _) => Err(unequal(
                "distinct functions and immediate comparisons of identical functions compare as unequal".into(),
            )),
            _ => Ok(()),
        }
    }
}
