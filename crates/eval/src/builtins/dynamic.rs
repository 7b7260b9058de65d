//! `outputOf` (modern Nix, dynamic derivations): the path of a derivation's output given
//! the derivation's path as a string, for outputs whose path is known statically.

use super::derivation::string_with_context;
use crate::error::EvalResult;
use crate::primops::PrimOpDef;
use crate::value::Value;
use crate::{bail, prim, Evaluator};
use rnix_eval_parser::Span;

pub(super) static PRIMOPS: &[PrimOpDef] = &[prim!("outputOf", 2, output_of)];

fn output_of(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let drv = ev.force(&a[0])?;
    // Like Nix: a string is required, not a derivation to coerce.
    let Value::String(drv) = &drv else {
        bail!(
            span,
            "expected a string but found {}: the derivation reference of 'outputOf' must be its path",
            drv.type_desc()
        );
    };
    let drv_path = drv.to_str_lossy().into_owned();
    let output = ev.expect_string_no_ctx(&a[1], span)?;
    let path = match ev.store.derivations.contains_key(&drv_path) {
        true => ev
            .store
            .output_path(&drv_path, &output)
            .map_err(|m| crate::EvalError::new(crate::ErrorKind::Eval, m, span))?,
        false if drv_path.ends_with(".drv") => {
            let names = ev
                .store
                .output_names(&drv_path)
                .map_err(|m| crate::EvalError::new(crate::ErrorKind::Eval, m, span))?;
            if !names.contains(&output) {
                None
            } else {
                bail!(span, "outputOf: '{drv_path}' was not produced by this evaluation; rnix-eval only answers for derivations it computed")
            }
        }
        false => bail!(span, "outputOf: '{drv_path}' is not the path of a derivation"),
    };
    match path {
        Some(p) if !p.is_empty() => Ok(string_with_context(&p, format!("!{output}!{drv_path}"))),
        Some(_) => bail!(span, "outputOf: the path of output '{output}' of '{drv_path}' is not known statically (content-addressed outputs need placeholders, which rnix-eval does not make)"),
        None => bail!(span, "derivation '{drv_path}' does not have an output named '{output}'"),
    }
}
