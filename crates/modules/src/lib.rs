//! The module system as data: the option list and single options of an evaluated module
//! system (a `lib.evalModules` result, a `nixosSystem`, `import <nixpkgs/nixos> {..}`).
//!
//! Every answer is computed by the `lib` of the nixpkgs being evaluated (its
//! `optionAttrSetToDocList`, its merged `options.<path>` attributes), never by merge rules
//! of our own, so answers equal what Nix computes with the same `lib`. Only the walk to
//! one option is done here, so that unknown paths get "did you mean" suggestions and
//! nothing but that option is forced.

mod describe;
mod explain;
mod lookup;

pub use describe::{definition_places, describe_option, Definition, OptionInfo, Place, Render};
pub use explain::{definitions_note, option_of_error};
pub use lookup::{find_option, parse_option_path, FoundOption};

use rnix_eval_core::error::EvalResult;
use rnix_eval_core::value::{Attr, AttrSet, Value};
use rnix_eval_core::Evaluator;
use rnix_eval_parser::Symbol;

/// The nixpkgs `lib` of an evaluation: `system.lib` when the caller put it there, the
/// `pkgs.lib` of `import <nixpkgs/nixos> {..}`, else `config._module.args.pkgs.lib`
/// (NixOS systems). `None` for a bare `evalModules` result (add `lib` to it).
pub fn find_lib(ev: &mut Evaluator, system: &Value) -> EvalResult<Option<Value>> {
    for path in [
        &["lib"][..],
        &["pkgs", "lib"],
        &["config", "_module", "args", "pkgs", "lib"],
    ] {
        if let Some(lib) = get_path(ev, system, path)? {
            if matches!(ev.force(&lib)?, Value::Attrs(_)) {
                return Ok(Some(lib));
            }
        }
    }
    Ok(None)
}

/// `lib.optionAttrSetToDocList options`, evaluated to weak head normal form.
pub fn option_list(ev: &mut Evaluator, lib: &Value, options: &Value) -> EvalResult<Value> {
    let f = get_path(ev, lib, &["optionAttrSetToDocList"])?.ok_or_else(|| {
        rnix_eval_core::EvalError::new(
            rnix_eval_core::ErrorKind::Eval,
            "this lib has no 'optionAttrSetToDocList': not a nixpkgs lib",
            None,
        )
    })?;
    let list = ev.call(f, options.clone(), None)?;
    ev.force(&list)
}

/// The attribute at `path` below `v`, `None` when a set on the way lacks it (values that
/// are not sets are `None` too: the caller asked about a shape, not for an error).
pub fn get_path(ev: &mut Evaluator, v: &Value, path: &[&str]) -> EvalResult<Option<Value>> {
    let mut cur = v.clone();
    for name in path {
        let Value::Attrs(set) = ev.force(&cur)? else {
            return Ok(None);
        };
        match set.get(Symbol::intern(name)) {
            Some(next) => cur = next.clone(),
            None => return Ok(None),
        }
    }
    Ok(Some(cur))
}

/// A set of the given attributes (for calling embedded Nix functions).
pub(crate) fn attrs(entries: Vec<(&str, Value)>) -> Value {
    let entries = entries
        .into_iter()
        .map(|(name, value)| Attr {
            name: Symbol::intern(name),
            value,
            pos: None,
        })
        .collect();
    Value::attrs(AttrSet::from_unsorted(entries))
}
