//! Instantiate mode (no `--eval`): find the derivations in the result as `nix-instantiate`
//! does (`getDerivations`) and print their `.drv` paths.

use rnix_eval_core::error::{ErrorKind, EvalError, EvalResult};
use rnix_eval_core::value::{AttrSet, Value};
use rnix_eval_core::Evaluator;
use rnix_eval_parser::Symbol;
use rustc_hash::FxHashSet;

/// A derivation found in the result: its `.drv` path and the output it stands for.
pub struct FoundDrv {
    pub drv_path: String,
    pub output_name: String,
}

/// Nix's `getDerivations`: the value itself if it is a derivation; else the derivations
/// among a set's attributes (by name order, recursing where `recurseForDerivations = true`)
/// or a list's elements.
/// Functions met on the way (the top value, list elements, recursed-into sets) are called
/// with the `--arg`s, as Nix's `autoCallFunction` does.
pub fn find_derivations(ev: &mut Evaluator, v: &Value, auto_args: &AttrSet, out: &mut Vec<FoundDrv>) -> EvalResult<()> {
    let mut done = FxHashSet::default();
    collect(ev, v, auto_args, out, &mut done)
}

fn collect(
    ev: &mut Evaluator,
    v: &Value,
    auto_args: &AttrSet,
    out: &mut Vec<FoundDrv>,
    done: &mut FxHashSet<usize>,
) -> EvalResult<()> {
    // A list or set that contains itself (`let t = [ t ]; in t`) recurses without end, as
    // in Nix: reported as Nix reports it, where the native stack overflowed (SIGABRT).
    ev.check_native_stack(None)?;
    let v = ev.force(v)?;
    let v = crate::run::auto_call(ev, v, auto_args)?;
    let v = ev.force(&v)?;
    if !take_if_derivation(ev, &v, out, done)? {
        return Ok(());
    }
    match &v {
        Value::Attrs(set) => {
            let recurse_sym = Symbol::intern("recurseForDerivations");
            let entries = set.entries();
            for attr in rnix_eval_core::attrset::sorted_by_name(&entries) {
                if !is_plain_attr_name(attr.name.as_str()) {
                    continue;
                }
                let value = ev.force(&attr.value)?;
                if take_if_derivation(ev, &value, out, done)? {
                    if let Value::Attrs(inner) = &value {
                        if let Some(flag) = inner.get(recurse_sym).cloned() {
                            if ev.expect_bool(&flag, attr.span())? {
                                collect(ev, &value, auto_args, out, done)?;
                            }
                        }
                    }
                }
            }
            Ok(())
        }
        Value::List(items) => {
            for item in items.iter() {
                let item = ev.force(item)?;
                if take_if_derivation(ev, &item, out, done)? {
                    collect(ev, &item, auto_args, out, done)?;
                }
            }
            Ok(())
        }
        _ => Err(EvalError::new(
            ErrorKind::Eval,
            "expression does not evaluate to a derivation (or a set or list of those)",
            None,
        )),
    }
}

/// Nix's `getDerivation`: records a derivation (once) and returns false; true means
/// "not a derivation, look inside".
fn take_if_derivation(
    ev: &mut Evaluator,
    v: &Value,
    out: &mut Vec<FoundDrv>,
    done: &mut FxHashSet<usize>,
) -> EvalResult<bool> {
    let Value::Attrs(set) = v else { return Ok(true) };
    if !ev.is_derivation(set)? {
        return Ok(true);
    }
    if !done.insert(rnix_eval_core::value::SetRef::as_ptr(set) as usize) {
        return Ok(false);
    }
    // `DrvInfo` reads the name first, then the `.drv` path.
    match set.get(Symbol::intern("name")).cloned() {
        Some(name) => drop(ev.expect_string_no_ctx(&name, None)?),
        None => return Err(EvalError::new(ErrorKind::Eval, "derivation name missing", None)),
    }
    let drv_path = string_attr(ev, set, "drvPath")?;
    if rnix_eval_store::store_path::store_entry_of(&rnix_eval_core::store_dir(), &drv_path).is_none() {
        return Err(EvalError::new(
            ErrorKind::Eval,
            format!("path '{drv_path}' is not in the Nix store"),
            None,
        ));
    }
    let output_name = string_attr(ev, set, "outputName")?;
    out.push(FoundDrv { drv_path, output_name });
    Ok(false)
}

fn string_attr(ev: &mut Evaluator, set: &AttrSet, name: &str) -> EvalResult<String> {
    match set.get(Symbol::intern(name)).cloned() {
        Some(v) => Ok(ev.coerce_to_string(&v, None, false, false)?.to_str_lossy().into_owned()),
        None if name == "outputName" => Ok(String::new()),
        None => Err(EvalError::new(
            ErrorKind::Eval,
            format!("derivation does not contain a '{name}' attribute"),
            None,
        )),
    }
}

/// `getDerivations` only looks at attributes named like `[A-Za-z_][A-Za-z0-9-_+]*`.
fn is_plain_attr_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || "-_+".contains(c))
}

/// Write every `.drv` this evaluation produced into `dir`, named by store path base name.
pub fn write_drvs_to(ev: &Evaluator, dir: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (path, stored) in &ev.store.derivations {
        let base = path.rsplit('/').next().unwrap_or(path);
        std::fs::write(format!("{dir}/{base}"), &stored.aterm)?;
    }
    Ok(())
}
