//! The CI evaluation gate: the jobs of an attribute set, each evaluated to a JSON record
//! with `nix-eval-jobs`' field names, in a pool of worker processes.
//!
//! [`discover`] walks the set as `nix-eval-jobs` does (derivations are jobs; sets with
//! `recurseForDerivations`, or every set with `force_recurse`, are entered; a NixOS
//! configuration's job is its `config.system.build.toplevel`); [`evaluate`] turns one
//! job into a [`Record`]; [`pool`] runs workers (separate processes, restarted over a
//! memory limit) and hands out job paths. No CLI types: the binary supplies how a worker
//! is started.

pub mod differential;
pub mod pool;

use rnix_eval_core::error::EvalResult;
use rnix_eval_core::value::Value;
use rnix_eval_core::Evaluator;
use rnix_eval_parser::Symbol;
use serde_json::{json, Map, Value as Json};

/// One job's result, printed as one JSON line.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub attr_path: Vec<String>,
    pub outcome: Result<Built, String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Built {
    pub name: String,
    pub drv_path: String,
    pub system: String,
    /// Output name -> output path, in the derivation's order.
    pub outputs: Vec<(String, String)>,
}

impl Record {
    /// `nix-eval-jobs`' record: `attr`, `attrPath`, then `drvPath`, `name`, `outputs`,
    /// `system`, or `error`.
    pub fn to_json(&self) -> Json {
        let mut m = Map::new();
        m.insert("attr".into(), Json::String(attr_text(&self.attr_path)));
        m.insert("attrPath".into(), json!(self.attr_path));
        match &self.outcome {
            Ok(b) => {
                m.insert("drvPath".into(), Json::String(b.drv_path.clone()));
                m.insert("name".into(), Json::String(b.name.clone()));
                let mut outs = Map::new();
                for (k, v) in &b.outputs {
                    outs.insert(k.clone(), Json::String(v.clone()));
                }
                m.insert("outputs".into(), Json::Object(outs));
                m.insert("system".into(), Json::String(b.system.clone()));
            }
            Err(e) => {
                m.insert("error".into(), Json::String(e.clone()));
            }
        }
        Json::Object(m)
    }

    pub fn failed(&self) -> bool {
        self.outcome.is_err()
    }
}

/// A record that fails the run: an evaluation error, or a difference from Nix.
pub fn record_failed(record: &Json) -> bool {
    record.get("error").is_some() || record.get("differential").is_some_and(|d| d != "identical")
}

/// `a.b."c.d"`: components joined by dots, quoted where needed.
pub fn attr_text(path: &[String]) -> String {
    path.iter()
        .map(|c| {
            if !c.is_empty() && c.chars().all(|ch| ch.is_ascii_alphanumeric() || "_-'".contains(ch)) {
                c.clone()
            } else {
                format!("\"{c}\"")
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

fn get(ev: &mut Evaluator, v: &Value, name: &str) -> EvalResult<Option<Value>> {
    let v = ev.force(v)?;
    match &v {
        Value::Attrs(set) => Ok(set.get(Symbol::intern(name)).cloned()),
        _ => Ok(None),
    }
}

fn is_derivation(ev: &mut Evaluator, v: &Value) -> EvalResult<bool> {
    match get(ev, v, "type")? {
        Some(t) => Ok(matches!(ev.force(&t)?, Value::String(s) if s.as_bytes() == b"derivation")),
        None => Ok(false),
    }
}

/// A NixOS configuration (`lib.nixosSystem`, `evalModules` results): a set with both
/// `config` and `options`; its job is `config.system.build.toplevel`. Only the names are
/// looked at, so finding a host's job evaluates nothing of its module system.
fn is_configuration(ev: &mut Evaluator, v: &Value) -> EvalResult<bool> {
    Ok(get(ev, v, "config")?.is_some() && get(ev, v, "options")?.is_some())
}

const TOPLEVEL: [&str; 4] = ["config", "system", "build", "toplevel"];

/// A flake's hosts: each attribute of it is a configuration, whatever module system
/// made it.
const HOSTS: &str = "nixosConfigurations";

/// A job found by [`discover`]: its path, or the error met while looking at it.
pub type Found = (Vec<String>, Option<String>);

/// The job paths below `root` (whose own path is `prefix`), in attribute order. An
/// attribute that fails to evaluate while looking is a job whose record is that error.
pub fn discover(ev: &mut Evaluator, root: &Value, prefix: &[String], force_recurse: bool) -> EvalResult<Vec<Found>> {
    let mut out = Vec::new();
    walk(ev, root, prefix.to_vec(), force_recurse, true, &mut out)?;
    Ok(out)
}

fn walk(
    ev: &mut Evaluator,
    v: &Value,
    path: Vec<String>,
    force: bool,
    top: bool,
    out: &mut Vec<Found>,
) -> EvalResult<()> {
    let in_hosts = path.len() >= 2 && path[path.len() - 2] == HOSTS;
    let forced = match ev.force(v) {
        Ok(f) => f,
        Err(e) if !top => {
            out.push((path, Some(e.message.clone())));
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    let looked = (|| -> EvalResult<Option<Vec<String>>> {
        if is_derivation(ev, &forced)? {
            return Ok(Some(path.clone()));
        }
        if in_hosts || is_configuration(ev, &forced)? {
            return Ok(Some(
                path.iter()
                    .cloned()
                    .chain(TOPLEVEL.iter().map(|s| s.to_string()))
                    .collect(),
            ));
        }
        Ok(None)
    })();
    match looked {
        Ok(Some(job)) => {
            out.push((job, None));
            return Ok(());
        }
        Ok(None) => {}
        Err(e) => {
            out.push((path, Some(e.message.clone())));
            return Ok(());
        }
    }
    let Value::Attrs(set) = &forced else { return Ok(()) };
    let recurse = top
        || force
        || path.last().is_some_and(|n| n == HOSTS)
        || match set.get(Symbol::intern("recurseForDerivations")) {
            Some(r) => matches!(ev.force(r), Ok(Value::Bool(true))),
            None => false,
        };
    if !recurse {
        return Ok(());
    }
    let mut entries: Vec<(String, Value)> = set
        .entries()
        .iter()
        .map(|a| (a.name.as_str().to_string(), a.value.clone()))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, value) in entries {
        if name == "recurseForDerivations" {
            continue;
        }
        let mut child = path.clone();
        child.push(name);
        // A nested set is only entered when it asks to be (or with force_recurse).
        walk(ev, &value, child, force, false, out)?;
    }
    Ok(())
}

/// Evaluate the job at `path` below `root` (whose own path is `prefix`): its derivation's
/// `drvPath` (written to the store when the evaluator has a sink), name, system, outputs.
pub fn evaluate(ev: &mut Evaluator, root: &Value, prefix: &[String], path: &[String]) -> Record {
    let outcome = (|| -> EvalResult<Built> {
        let mut v = root.clone();
        for name in &path[prefix.len().min(path.len())..] {
            v = get(ev, &v, name)?.ok_or_else(|| {
                rnix_eval_core::EvalError::new(
                    rnix_eval_core::ErrorKind::Eval,
                    format!("attribute '{name}' missing"),
                    None,
                )
            })?;
        }
        let text = |ev: &mut Evaluator, v: &Value, name: &str| -> EvalResult<String> {
            match get(ev, v, name)? {
                Some(x) => Ok(ev.coerce_to_string(&x, None, false, false)?.to_str_lossy().into_owned()),
                None => Ok(String::new()),
            }
        };
        let v = ev.force(&v)?;
        if !is_derivation(ev, &v)? {
            return Err(rnix_eval_core::EvalError::new(
                rnix_eval_core::ErrorKind::Eval,
                format!("expected a derivation, but found {}", v.type_desc()),
                None,
            ));
        }
        let drv_path = text(ev, &v, "drvPath")?;
        let name = text(ev, &v, "name")?;
        let system = text(ev, &v, "system")?;
        let mut outputs = Vec::new();
        let names = match get(ev, &v, "outputs")? {
            Some(list) => match ev.force(&list)? {
                Value::List(items) => {
                    let mut names = Vec::new();
                    for item in items.iter() {
                        names.push(ev.expect_string(item, None)?.to_str_lossy().into_owned());
                    }
                    names
                }
                _ => vec!["out".to_string()],
            },
            None => vec!["out".to_string()],
        };
        for out_name in names {
            if let Some(o) = get(ev, &v, &out_name)? {
                let path = text(ev, &o, "outPath")?;
                outputs.push((out_name, path));
            }
        }
        Ok(Built {
            name,
            drv_path,
            system,
            outputs,
        })
    })();
    Record {
        attr_path: path.to_vec(),
        outcome: outcome.map_err(|e| e.message.clone()),
    }
}
