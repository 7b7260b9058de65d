//! Choosing an output of a flake from a `#fragment`, as `nix build`, `nix eval` and
//! `nixos-rebuild --flake` do: a host name of `nixosConfigurations` builds its toplevel;
//! otherwise the fragment is tried as given and under `packages.<system>` and
//! `legacyPackages.<system>`; no fragment means the default package.

use rnix_eval_core::error::{suggest_merged, ErrorKind, EvalError, EvalResult};
use rnix_eval_core::value::Value;
use rnix_eval_core::Evaluator;
use rnix_eval_parser::Symbol;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// `rnix-eval --flake REF#X` (instantiate): hosts become their toplevel.
    Build,
    /// `rnix-eval --eval --flake REF#X`, as `nix eval`.
    Eval,
}

/// A called flake's `outputs`: where fragments are looked up (not in the flake's own
/// `inputs`, `sourceInfo`, `narHash`, ..., which Nix's `REF#inputs` does not see).
pub fn flake_outputs(ev: &mut Evaluator, flake: &Value) -> EvalResult<Value> {
    match lookup(ev, flake, &["outputs"])? {
        Some(outputs) => Ok(outputs),
        None => Err(EvalError::new(ErrorKind::Eval, "the flake has no 'outputs'", None)),
    }
}

/// The output named by `fragment` in the called `flake`'s outputs, and the attribute
/// path it was found at.
pub fn select_output(
    ev: &mut Evaluator,
    flake: &Value,
    flake_name: &str,
    fragment: &str,
    system: &str,
    purpose: Purpose,
) -> EvalResult<(Value, String)> {
    let outputs = flake_outputs(ev, flake)?;
    let flake = &outputs;
    let components = split_attr_path(fragment)?;
    let mut candidates: Vec<Vec<String>> = Vec::new();
    if purpose == Purpose::Build && components.len() == 1 {
        let host = [
            "nixosConfigurations",
            &components[0],
            "config",
            "system",
            "build",
            "toplevel",
        ];
        if lookup(ev, flake, &host[..2])?.is_some() {
            candidates.push(host.iter().map(|s| s.to_string()).collect());
        }
    }
    if components.is_empty() {
        candidates.push(vec!["packages".into(), system.into(), "default".into()]);
        candidates.push(vec!["defaultPackage".into(), system.into()]);
    } else if let Some(rest) = fragment.strip_prefix('.') {
        candidates.push(split_attr_path(rest)?);
    } else {
        // Nix's `InstallableFlake::getActualAttrPaths`: the default prefixes first, then
        // the fragment as it is.
        for prefix in ["packages", "legacyPackages"] {
            candidates.push(
                [prefix.to_string(), system.to_string()]
                    .into_iter()
                    .chain(components.iter().cloned())
                    .collect(),
            );
        }
        candidates.push(components.clone());
    }
    // Nix's `InstallableFlake::getCursors`: each path that fails contributes the names
    // near its missing attribute (`AttrCursor::findAlongAttrPath`); a value that is not
    // an attribute set on the way is an error of its own.
    let mut near: Vec<(String, String)> = Vec::new();
    for path in &candidates {
        match walk(ev, flake, path)? {
            Ok(v) => return Ok((v, path.join("."))),
            Err((missing, names)) => near.extend(names.into_iter().map(|n| (missing.clone(), n))),
        }
    }
    let tried: Vec<String> = candidates.iter().map(|p| format!("'{}'", p.join("."))).collect();
    let tried = match tried.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    };
    let mut err = EvalError::new(
        ErrorKind::Eval,
        format!("flake '{flake_name}' does not provide attribute {tried}"),
        None,
    );
    if purpose == Purpose::Build && components.len() == 1 {
        // `nixos-rebuild --flake REF#NAME`: a host name misspelt.
        if let Some(Value::Attrs(hosts)) = lookup(ev, flake, &["nixosConfigurations"])? {
            near.extend(hosts.names().map(|n| (components[0].clone(), n.to_string())));
        }
    }
    let hints = suggest_merged(near.iter().map(|(q, c)| (q.as_str(), c.as_str())));
    err = err.with_suggestions(hints);
    Err(err)
}

/// Walk `path` in `v`: the value, or the missing name and the names beside it. A value
/// on the way that is not an attribute set fails as Nix's `AttrCursor::getAttrs` does.
fn walk(ev: &mut Evaluator, v: &Value, path: &[String]) -> EvalResult<Result<Value, (String, Vec<String>)>> {
    let mut cur = v.clone();
    for (i, name) in path.iter().enumerate() {
        let forced = ev.force(&cur)?;
        let Value::Attrs(set) = &forced else {
            return Err(EvalError::new(
                ErrorKind::Eval,
                format!("'{}' is not an attribute set", path[..i].join(".")),
                None,
            ));
        };
        match set.get(Symbol::intern(name)) {
            Some(next) => cur = next.clone(),
            None => return Ok(Err((name.clone(), set.names().map(str::to_string).collect()))),
        }
    }
    Ok(Ok(ev.force(&cur)?))
}

/// What building the output at `path` wants (modern Nix's `InstallableFlake::
/// toDerivedPaths`): a derivation, or a path (a string with context). A set of them is
/// not walked as `nix-instantiate` walks one.
pub fn expect_buildable(ev: &mut Evaluator, value: &Value, path: &str) -> EvalResult<()> {
    let forced = ev.force(value)?;
    let buildable = match &forced {
        Value::Attrs(set) => ev.is_derivation(set)?,
        Value::String(_) | Value::Path(_) => true,
        _ => false,
    };
    if buildable {
        return Ok(());
    }
    Err(EvalError::new(
        ErrorKind::Eval,
        format!(
            "expected flake output attribute '{path}' to be a derivation or path but found {}",
            rnix_eval_core::show_value::found(&forced)
        ),
        None,
    ))
}

/// The value at `path` below `v`, forced; `None` when a step is missing or not a set.
pub fn lookup(ev: &mut Evaluator, v: &Value, path: &[&str]) -> EvalResult<Option<Value>> {
    let mut cur = v.clone();
    for name in path {
        let forced = ev.force(&cur)?;
        let Value::Attrs(set) = &forced else { return Ok(None) };
        match set.get(Symbol::intern(name)) {
            Some(next) => cur = next.clone(),
            None => return Ok(None),
        }
    }
    Ok(Some(ev.force(&cur)?))
}

/// `a.b."c.d"` -> `["a", "b", "c.d"]` (Nix's `parseAttrPath`).
pub fn split_attr_path(text: &str) -> EvalResult<Vec<String>> {
    rnix_eval_core::attr_path::parse(text).map_err(|m| EvalError::new(ErrorKind::Eval, m, None))
}
