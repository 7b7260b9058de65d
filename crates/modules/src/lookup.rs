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

#[cfg(test)]
mod tests {
    use super::*;
    use rnix_eval_core::Options;

    fn options(ev: &mut Evaluator) -> Value {
        let text = r#"{ server = { port = { _type = "option"; }; enable = { _type = "option"; }; };
                      "a.b".c = { _type = "option"; }; }"#;
        ev.eval_source(rnix_eval_parser::Origin::String, "/", text).unwrap()
    }

    #[test]
    fn paths_split_on_unquoted_dots() {
        assert_eq!(parse_option_path("a.b.c"), ["a", "b", "c"]);
        assert_eq!(parse_option_path(r#"users."a.b".home"#), ["users", "a.b", "home"]);
    }

    #[test]
    fn finds_options_and_suggests_near_names() {
        let mut ev = Evaluator::new(Options::default());
        let opts = options(&mut ev);
        let path = |p: &str| parse_option_path(p);
        assert!(find_option(&mut ev, &opts, &path("server.port")).is_ok());
        assert!(find_option(&mut ev, &opts, &path(r#""a.b".c"#)).is_ok());
        let err = |ev: &mut Evaluator, p: &str| match find_option(ev, &opts, &path(p)) {
            Ok(_) => panic!("{p} was found"),
            Err(e) => e,
        };
        let e = err(&mut ev, "server.prot");
        assert_eq!(e.message, "option 'server.prot' does not exist");
        assert_eq!(e.suggestions, ["server.port"]);
        let e = err(&mut ev, "server");
        assert_eq!(
            e.message,
            "'server' is a set of options, not an option (it has enable, port)"
        );
        let e = err(&mut ev, "server.port.x");
        assert!(
            e.message.starts_with("option 'server.port' is an option"),
            "{}",
            e.message
        );
        let e = err(&mut ev, "server.");
        assert_eq!(e.message, "invalid option path 'server.'");
    }
}
