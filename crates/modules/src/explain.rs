//! Positions for module-system errors. The lib's messages name the option and the files
//! of its definitions (20.09: only the files), never lines: when an error names an option
//! of the evaluated module system, a note lists where each definition is.

use crate::describe::{definition_places, Place};
use crate::{find_lib, parse_option_path};
use rnix_eval_core::error::EvalError;
use rnix_eval_core::value::Value;
use rnix_eval_core::Evaluator;
use rnix_eval_parser::Symbol;

/// The option an error is about: the first `` option `NAME' `` of its message (nixpkgs'
/// wordings: "The option `a.b' ...", "A definition for option `a.b' ...", "The option
/// value `a.b' ..."), else the innermost "while evaluating the option `a.b':" of its trace.
pub fn option_of_error(err: &EvalError) -> Option<String> {
    let quoted = |text: &str, marker: &str| -> Option<String> {
        let start = text.find(marker)? + marker.len();
        let end = text[start..].find('\'')?;
        Some(text[start..start + end].to_string())
    };
    ["option `", "option value `"]
        .iter()
        .find_map(|m| quoted(&err.message, m))
        .or_else(|| {
            err.trace
                .iter()
                .find_map(|f| quoted(&f.message, "while evaluating the option `"))
        })
}

/// A note for `err` when it names an option of `system` (a value with `options` and
/// `config`, such as a NixOS system or an `evalModules` result with its `lib`): each
/// definition's file, line and column, with its priority and `mkIf` state. `None` when
/// the error names no option, `system` is not a module system, or nothing is found;
/// looking never adds an error of its own.
pub fn definitions_note(ev: &mut Evaluator, system: &Value, err: &EvalError) -> Option<String> {
    let name = option_of_error(err)?;
    let Value::Attrs(set) = system else {
        return None;
    };
    if set.get(Symbol::intern("options")).is_none() || set.get(Symbol::intern("config")).is_none() {
        return None;
    }
    let lib = find_lib(ev, system).ok()??;
    let places = definition_places(ev, &lib, system, &parse_option_path(&name)).ok()?;
    if places.is_empty() {
        return None;
    }
    let mut note = format!("Definitions of `{name}' (found in the module files):");
    for p in &places {
        note.push_str(&format!("\n- {}:{}:{}{}", p.file, p.line, p.column, state(p)));
        if let Some(v) = &p.value {
            note.push_str(&format!(": {}", shorten(v)));
        }
    }
    Some(note)
}

fn state(p: &Place) -> String {
    let mut parts = Vec::new();
    if p.priority != 100 {
        parts.push(format!("priority {}", p.priority));
    }
    if p.order != 1000 {
        parts.push(format!("order {}", p.order));
    }
    if !p.condition {
        parts.push("mkIf false".into());
    } else if !p.won {
        parts.push("overridden".into());
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

/// A value on one line, at most 100 characters.
fn shorten(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(100) {
        Some((i, _)) => format!("{} ...", &one_line[..i]),
        None => one_line,
    }
}
