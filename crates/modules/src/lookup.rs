//! From an option path to the option in `options`, with suggestions for unknown names.

use rnix_eval_core::error::{suggest, ErrorKind, EvalError, EvalResult};
use rnix_eval_core::value::Value;
use rnix_eval_core::Evaluator;
use rnix_eval_parser::Symbol;

/// `a.b."c.d"` as `["a", "b", "c.d"]` (quotes keep dots in a name, as `showOption`).
pub fn parse_option_path(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// Whether `v` (forced) is an option declaration: `_type = "option"`, as `lib.isOption`.
pub(crate) fn is_option(ev: &mut Evaluator, v: &Value) -> EvalResult<bool> {
    let Value::Attrs(set) = ev.force(v)? else {
        return Ok(false);
    };
    let Some(t) = set.get(Symbol::intern("_type")) else {
        return Ok(false);
    };
    Ok(matches!(ev.force(t)?, Value::String(s) if s.as_bytes() == b"option"))
}

/// The option at `path` in the `options` tree, forcing only the sets on the way.
pub fn find_option(ev: &mut Evaluator, options: &Value, path: &[String]) -> EvalResult<Value> {
    let shown = path.join(".");
    if path.is_empty() || path.iter().any(String::is_empty) {
        return Err(EvalError::new(
            ErrorKind::Eval,
            format!("invalid option path '{shown}'"),
            None,
        ));
    }
    let mut cur = options.clone();
    for (i, name) in path.iter().enumerate() {
        if is_option(ev, &cur)? {
            let at = path[..i].join(".");
            return Err(EvalError::new(
                ErrorKind::Eval,
                format!("option '{at}' is an option, not a set of options: '{shown}' is inside its value"),
                None,
            ));
        }
        let Value::Attrs(set) = ev.force(&cur)? else {
            return Err(EvalError::new(
                ErrorKind::Eval,
                format!("option '{shown}' does not exist"),
                None,
            ));
        };
        match set.get(Symbol::intern(name)) {
            Some(next) => cur = next.clone(),
            None => {
                let hints = suggest(set.names(), name)
                    .into_iter()
                    .map(|h| path[..i].iter().chain([&h]).cloned().collect::<Vec<_>>().join("."))
                    .collect();
                return Err(
                    EvalError::new(ErrorKind::Eval, format!("option '{shown}' does not exist"), None)
                        .with_suggestions(hints),
                );
            }
        }
    }
    if !is_option(ev, &cur)? {
        let Value::Attrs(set) = ev.force(&cur)? else {
            return Err(EvalError::new(
                ErrorKind::Eval,
                format!("'{shown}' is not an option"),
                None,
            ));
        };
        let mut names: Vec<&str> = set.names().collect();
        names.sort_unstable();
        let more = if names.len() > 8 { ", ..." } else { "" };
        names.truncate(8);
        return Err(EvalError::new(
            ErrorKind::Eval,
            format!(
                "'{shown}' is a set of options, not an option (it has {}{more})",
                names.join(", ")
            ),
            None,
        ));
    }
    Ok(cur)
}
