//! `--options` and `--describe-option PATH`: the module system of the evaluated value
//! (through `rnix-eval-modules`), printed as JSON or for people.

use crate::args::Cli;
use rnix_eval_core::error::{ErrorKind, EvalError, EvalResult};
use rnix_eval_core::value::Value;
use rnix_eval_core::{print, Evaluator};
use rnix_eval_modules::{describe_option, find_lib, option_list, parse_option_path, OptionInfo, Render};
use serde_json::Value as Json;

pub fn query(ev: &mut Evaluator, cli: &Cli, system: &Value) -> EvalResult<Vec<u8>> {
    let lib = find_lib(ev, system)?.ok_or_else(|| {
        EvalError::new(
            ErrorKind::Eval,
            "cannot find the nixpkgs lib of this evaluation (no 'lib', 'pkgs.lib' or \
             'config._module.args.pkgs.lib'): for a bare lib.evalModules result, add `// { inherit lib; }`",
            None,
        )
    })?;
    if let Some(path) = &cli.describe_option {
        let render = if cli.json { Render::Json } else { Render::Text };
        let info = describe_option(ev, &lib, system, &parse_option_path(path), render)?;
        let mut out = if cli.json {
            serde_json::to_vec(&info.to_json()).expect("JSON values print")
        } else {
            human(&info).into_bytes()
        };
        out.push(b'\n');
        return Ok(out);
    }
    let options = match ev.force(system)? {
        Value::Attrs(set) => set.get(rnix_eval_parser::Symbol::intern("options")).cloned(),
        _ => None,
    }
    .ok_or_else(|| EvalError::new(ErrorKind::Eval, "not a module system evaluation: no 'options'", None))?;
    let list = option_list(ev, &lib, &options)?;
    if cli.json {
        let mut out = print::to_json(ev, &list, None, true)?;
        out.push(b'\n');
        return Ok(out);
    }
    // For people: the names, one a line.
    let Value::List(items) = list else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for item in items.iter() {
        let item = ev.force(item)?;
        if let Value::Attrs(set) = item {
            if let Some(name) = set.get(rnix_eval_parser::Symbol::intern("name")) {
                if let Value::String(s) = ev.force(name)? {
                    out.extend_from_slice(s.as_bytes());
                    out.push(b'\n');
                }
            }
        }
    }
    Ok(out)
}

/// The layout of `nixos-option`: a heading, then the text indented.
fn human(info: &OptionInfo) -> String {
    let mut out = format!("{}\n", info.name);
    let mut section = |title: &str, body: &str| {
        out.push_str(&format!("\n{title}:\n"));
        for line in body.lines() {
            out.push_str(&format!("  {line}\n"));
        }
    };
    match &info.value {
        Ok(v) => section("Value", &text(v)),
        Err(e) => section("Value", &format!("error: {}", e.message)),
    }
    section("Type", &text(&info.type_desc));
    if let Some(d) = &info.default {
        section("Default", &text(d));
    }
    if let Some(e) = &info.example {
        section("Example", &text(e));
    }
    section("Description", &text(&info.description));
    if info.read_only {
        section("Read only", "true");
    }
    section("Declared by", &info.declarations.join("\n"));
    let defs: Vec<String> = info
        .definitions
        .iter()
        .map(|d| {
            let at = match (d.line, d.column) {
                (Some(l), Some(c)) => format!("{}:{l}:{c}", d.file),
                _ => d.file.clone(),
            };
            match d.order {
                Some(o) => format!("{at} (order {o})"),
                None => at,
            }
        })
        .collect();
    let prio = match info.highest_prio.as_ref().and_then(Json::as_i64) {
        Some(p) if p != 100 => format!(" (priority {p})"),
        _ => String::new(),
    };
    if info.definitions_known {
        section(&format!("Defined by{prio}"), &defs.join("\n"));
        let lost: Vec<String> = info
            .places
            .iter()
            .filter(|p| !p.won)
            .map(|p| {
                let why = if p.condition {
                    format!("priority {}", p.priority)
                } else {
                    "mkIf false".to_string()
                };
                format!("{}:{}:{} ({why})", p.file, p.line, p.column)
            })
            .collect();
        if !lost.is_empty() {
            section("Not used", &lost.join("\n"));
        }
    } else {
        section(
            "Defined by",
            "(unknown: this lib has no valueMeta; see the enclosing option)",
        );
    }
    out.pop();
    out
}

/// A rendered value: text as it is, documentation shapes by their `text`.
fn text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Null => "null".into(),
        Json::Object(o) if o.contains_key("text") => text(&o["text"]),
        other => other.to_string(),
    }
}
