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

/// An option found by [`find_option`].
pub struct FoundOption {
    pub option: Value,
    /// False for an option inside a submodule's value found through
    /// `type.getSubOptions` (libs without `valueMeta`, as 20.09): its declaration only, so
    /// its definitions and priority are not the ones that made the value.
    pub merged: bool,
}

/// The option at `path` in the `options` tree, forcing only the sets on the way. Paths
/// into a submodule's value (`users.users.alice.home`) go through the lib's `valueMeta`
/// (the merged options of that very value), else through `type.getSubOptions`.
pub fn find_option(ev: &mut Evaluator, options: &Value, path: &[String]) -> EvalResult<FoundOption> {
    let shown = path.join(".");
    if path.is_empty() || path.iter().any(String::is_empty) {
        return Err(EvalError::new(
            ErrorKind::Eval,
            format!("invalid option path '{shown}'"),
            None,
        ));
    }
    let mut cur = options.clone();
    let mut merged = true;
    let mut i = 0;
    while i < path.len() {
        if is_option(ev, &cur)? {
            match sub_options(ev, &cur, path, &mut i)? {
                Some((next, m)) if i < path.len() => {
                    cur = next;
                    merged &= m;
                    continue;
                }
                _ => {
                    let at = path[..i.min(path.len())].join(".");
                    return Err(EvalError::new(
                        ErrorKind::Eval,
                        format!("option '{at}' has no options inside its value: '{shown}' does not exist"),
                        None,
                    ));
                }
            }
        }
        let name = &path[i];
        let Value::Attrs(set) = ev.force(&cur)? else {
            return Err(EvalError::new(
                ErrorKind::Eval,
                format!("option '{shown}' does not exist"),
                None,
            ));
        };
        match set.get(Symbol::intern(name)) {
            Some(next) => cur = next.clone(),
            None => return Err(not_found(&shown, path, i, set.names())),
        }
        i += 1;
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
    Ok(FoundOption { option: cur, merged })
}

fn not_found<'a>(shown: &str, path: &[String], i: usize, names: impl Iterator<Item = &'a str>) -> Box<EvalError> {
    let hints = suggest(names, &path[i])
        .into_iter()
        .map(|h| path[..i].iter().chain([&h]).cloned().collect::<Vec<_>>().join("."))
        .collect();
    EvalError::new(ErrorKind::Eval, format!("option '{shown}' does not exist"), None).with_suggestions(hints)
}

/// The options inside the value of option `opt`, consuming the attribute names and list
/// indices of `path` that pick one element (`alice` in `users.users.alice.home`).
fn sub_options(ev: &mut Evaluator, opt: &Value, path: &[String], i: &mut usize) -> EvalResult<Option<(Value, bool)>> {
    if let Some(mut meta) = crate::get_path(ev, opt, &["valueMeta"])? {
        loop {
            if let Some(options) = crate::get_path(ev, &meta, &["configuration", "options"])? {
                return Ok(Some((options, true)));
            }
            if *i >= path.len() {
                return Ok(None);
            }
            if let Some(attrs) = crate::get_path(ev, &meta, &["attrs"])? {
                let Value::Attrs(set) = ev.force(&attrs)? else {
                    return Ok(None);
                };
                match set.get(Symbol::intern(&path[*i])) {
                    Some(next) => meta = next.clone(),
                    None => return Err(not_found(&path.join("."), path, *i, set.names())),
                }
            } else if let Some(list) = crate::get_path(ev, &meta, &["list"])? {
                let Value::List(items) = ev.force(&list)? else {
                    return Ok(None);
                };
                match path[*i].parse::<usize>().ok().and_then(|n| items.get(n)) {
                    Some(next) => meta = next.clone(),
                    None => return Ok(None),
                }
            } else {
                return Ok(None);
            }
            *i += 1;
        }
    }
    // No `valueMeta` (20.09): the declarations of the element type's options.
    let (Some(get), Some(loc)) = (
        crate::get_path(ev, opt, &["type", "getSubOptions"])?,
        crate::get_path(ev, opt, &["loc"])?,
    ) else {
        return Ok(None);
    };
    let subs = ev.call(get, loc, None)?;
    let Value::Attrs(set) = ev.force(&subs)? else {
        return Ok(None);
    };
    if set.is_empty() {
        return Ok(None);
    }
    let type_name = match crate::get_path(ev, opt, &["type", "name"])? {
        Some(n) => match ev.force(&n)? {
            Value::String(s) => s.to_str_lossy().into_owned(),
            _ => String::new(),
        },
        None => String::new(),
    };
    if ["attrsOf", "lazyAttrsOf", "loaOf", "listOf"].contains(&type_name.as_str()) {
        *i += 1; // the element's name or index
    }
    Ok(Some((subs, false)))
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
        assert!(find_option(&mut ev, &opts, &path("server.port")).is_ok_and(|f| f.merged));
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
            e.message
                .starts_with("option 'server.port' has no options inside its value"),
            "{}",
            e.message
        );
        let e = err(&mut ev, "server.");
        assert_eq!(e.message, "invalid option path 'server.'");
    }
}
