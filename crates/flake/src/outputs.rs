//! Choosing an output of a flake from a `#fragment`, as `nix build`, `nix eval` and
//! `nixos-rebuild --flake` do: a host name of `nixosConfigurations` builds its toplevel;
//! otherwise the fragment is tried as given and under `packages.<system>` and
//! `legacyPackages.<system>`; no fragment means the default package.

use rnix_eval_core::error::{suggest, ErrorKind, EvalError, EvalResult};
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
    for path in &candidates {
        let refs: Vec<&str> = path.iter().map(String::as_str).collect();
        if let Some(v) = lookup(ev, flake, &refs)? {
            return Ok((v, path.join(".")));
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
    if components.len() == 1 {
        if let Some(Value::Attrs(hosts)) = lookup(ev, flake, &["nixosConfigurations"])? {
            err = err.with_suggestions(suggest(hosts.names(), &components[0]));
        }
    }
    Err(err)
}

/// Walk `path` in `v`; `None` where a component is missing.
fn lookup(ev: &mut Evaluator, v: &Value, path: &[&str]) -> EvalResult<Option<Value>> {
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
