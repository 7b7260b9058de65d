//! String builtins: lengths and slices in bytes, versions as Nix compares them, and the
//! JSON/XML/regex entry points (their machinery lives in `json.rs`, `regex.rs`, `xml.rs`).

use crate::error::EvalResult;
use crate::primops::PrimOpDef;
use crate::value::{Attr, AttrSet, NixString, Value};
use crate::{bail, prim, Evaluator};
use rnix_eval_parser::{Span, Symbol};
use std::rc::Rc;

pub(super) static PRIMOPS: &[PrimOpDef] = &[
    prim!("stringLength", 1, |ev, a, s| {
        Ok(Value::Int(ev.coerce_to_string(&a[0], s, false, false)?.s.len() as i64))
    }),
    prim!("substring", 3, substring),
    prim!("concatStringsSep", 2, concat_strings_sep),
    prim!("replaceStrings", 3, replace_strings),
    prim!("compareVersions", 2, |ev, a, s| {
        let x = ev.expect_string(&a[0], s)?;
        let y = ev.expect_string(&a[1], s)?;
        Ok(Value::Int(compare_versions(&x.s, &y.s) as i64))
    }),
    prim!("splitVersion", 1, |ev, a, s| {
        let v = ev.expect_string(&a[0], s)?;
        Ok(Value::list(
            split_version(&v.s).into_iter().map(Value::string).collect(),
        ))
    }),
    prim!("parseDrvName", 1, |ev, a, s| {
        let v = ev.expect_string(&a[0], s)?;
        let (name, version) = parse_drv_name(&v.s);
        Ok(Value::attrs(AttrSet::from_unsorted(vec![
            Attr {
                name: ev.sym.name,
                value: Value::string(name),
                pos: None,
            },
            Attr {
                name: Symbol::intern("version"),
                value: Value::string(version),
                pos: None,
            },
        ])))
    }),
    prim!("toJSON", 1, |ev, a, s| {
        let mut context = None;
        let json = crate::print::to_json_with_context(ev, &a[0], s, &mut context)?;
        Ok(Value::String(Rc::new(NixString { s: json, context })))
    }),
    prim!("fromJSON", 1, super::json::from_json),
    prim!("toXML", 1, to_xml),
    prim!("match", 2, super::regex::regex_match),
    prim!("split", 2, super::regex::regex_split),
];

fn substring(ev: &mut Evaluator, a: &[Value], s: Option<Span>) -> EvalResult<Value> {
    let start = ev.expect_int(&a[0], s)?;
    let len = ev.expect_int(&a[1], s)?;
    let str = ev.coerce_to_string(&a[2], s, false, false)?;
    if start < 0 {
        bail!(s, "negative start position in 'substring'");
    }
    let bytes = str.s.as_bytes();
    let start = (start as usize).min(bytes.len());
    let end = if len < 0 {
        bytes.len()
    } else {
        start.saturating_add(len as usize).min(bytes.len())
    };
    let slice = String::from_utf8_lossy(&bytes[start..end]).into_owned();
    Ok(Value::String(Rc::new(NixString {
        s: slice,
        context: str.context.clone(),
    })))
}

fn concat_strings_sep(ev: &mut Evaluator, a: &[Value], s: Option<Span>) -> EvalResult<Value> {
    let sep = ev.expect_string(&a[0], s)?;
    let l = ev.expect_list(&a[1], s)?;
    let mut out = String::new();
    let mut context = sep.context.clone();
    for (i, item) in l.iter().enumerate() {
        if i > 0 {
            out.push_str(&sep.s);
        }
        let part = ev.coerce_to_string(item, s, false, true)?;
        out.push_str(&part.s);
        crate::eval::merge_context(&mut context, &part);
    }
    Ok(Value::String(Rc::new(NixString { s: out, context })))
}

fn replace_strings(ev: &mut Evaluator, a: &[Value], s: Option<Span>) -> EvalResult<Value> {
    let from = ev.expect_list(&a[0], s)?;
    let to = ev.expect_list(&a[1], s)?;
    if from.len() != to.len() {
        bail!(
            s,
            "'from' and 'to' arguments to 'replaceStrings' have different lengths"
        );
    }
    let subject = ev.expect_string(&a[2], s)?;
    let mut patterns = Vec::with_capacity(from.len());
    for p in from.iter() {
        patterns.push(ev.expect_string(p, s)?);
    }
    // Nix 2.8 forces every replacement up front, used or not.
    let mut replacements: Vec<Option<Rc<NixString>>> = Vec::with_capacity(to.len());
    for t in to.iter() {
        replacements.push(Some(ev.expect_string(t, s)?));
    }
    let input = subject.s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(input.len());
    let mut context = subject.context.clone();
    let mut pos = 0;
    while pos <= input.len() {
        let mut matched = false;
        for (i, pat) in patterns.iter().enumerate() {
            if input[pos..].starts_with(pat.s.as_bytes()) {
                if replacements[i].is_none() {
                    replacements[i] = Some(ev.expect_string(&to[i], s)?);
                }
                let rep = replacements[i].as_ref().unwrap();
                out.extend_from_slice(rep.s.as_bytes());
                crate::eval::merge_context(&mut context, rep);
                matched = true;
                if pat.s.is_empty() {
                    // An empty pattern matches between characters: copy one and go on.
                    if pos < input.len() {
                        out.push(input[pos]);
                    }
                    pos += 1;
                } else {
                    pos += pat.s.len();
                }
                break;
            }
        }
        if !matched {
            if pos < input.len() {
                out.push(input[pos]);
            }
            pos += 1;
        }
    }
    let s2 = String::from_utf8_lossy(&out).into_owned();
    Ok(Value::String(Rc::new(NixString { s: s2, context })))
}

/// Nix's `nextComponent`: skip separators, then a run of digits or of other characters.
fn next_component(s: &[u8], p: &mut usize) -> String {
    while *p < s.len() && (s[*p] == b'.' || s[*p] == b'-') {
        *p += 1;
    }
    let start = *p;
    if *p < s.len() && s[*p].is_ascii_digit() {
        while *p < s.len() && s[*p].is_ascii_digit() {
            *p += 1;
        }
    } else {
        while *p < s.len() && !s[*p].is_ascii_digit() && s[*p] != b'.' && s[*p] != b'-' {
            *p += 1;
        }
    }
    String::from_utf8_lossy(&s[start..*p]).into_owned()
}

fn components_lt(c1: &str, c2: &str) -> bool {
    let n1: Option<i64> = c1.parse().ok().filter(|_| !c1.is_empty());
    let n2: Option<i64> = c2.parse().ok().filter(|_| !c2.is_empty());
    match (n1, n2) {
        (Some(a), Some(b)) => a < b,
        _ if c1.is_empty() && n2.is_some() => true,
        _ if c1 == "pre" && c2 != "pre" => true,
        _ if c2 == "pre" => false,
        (_, Some(_)) => true,
        (Some(_), _) => false,
        _ => c1 < c2,
    }
}

pub fn compare_versions(v1: &str, v2: &str) -> i32 {
    let (a, b) = (v1.as_bytes(), v2.as_bytes());
    let (mut p1, mut p2) = (0, 0);
    while p1 < a.len() || p2 < b.len() {
        let c1 = next_component(a, &mut p1);
        let c2 = next_component(b, &mut p2);
        if components_lt(&c1, &c2) {
            return -1;
        }
        if components_lt(&c2, &c1) {
            return 1;
        }
    }
    0
}

pub fn split_version(v: &str) -> Vec<String> {
    let b = v.as_bytes();
    let mut p = 0;
    let mut out = Vec::new();
    loop {
        let c = next_component(b, &mut p);
        if c.is_empty() {
            break;
        }
        out.push(c);
    }
    out
}

/// The name ends at the first dash followed by a non-letter.
pub fn parse_drv_name(s: &str) -> (String, String) {
    let b = s.as_bytes();
    for i in 0..b.len() {
        if b[i] == b'-' && i + 1 < b.len() && !b[i + 1].is_ascii_alphabetic() {
            return (s[..i].to_string(), s[i + 1..].to_string());
        }
    }
    (s.to_string(), String::new())
}

/// `toXML`: the value forced as it is printed, without positions; the result keeps
/// the context of the strings in it.
fn to_xml(ev: &mut Evaluator, a: &[Value], _s: Option<Span>) -> EvalResult<Value> {
    let (s, context) = crate::xml::to_xml(ev, &a[0], true, false)?;
    Ok(Value::String(Rc::new(NixString { s, context })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_nix() {
        assert_eq!(compare_versions("1.0", "1.0"), 0);
        assert_eq!(compare_versions("1.0pre1", "1.0"), -1);
        assert_eq!(compare_versions("2.3a", "2.3.1"), -1);
        assert_eq!(compare_versions("1.10", "1.9"), 1);
        assert_eq!(split_version("1.2.3pre4-x"), vec!["1", "2", "3", "pre", "4", "x"]);
        assert_eq!(parse_drv_name("nix-2.8.0"), ("nix".into(), "2.8.0".into()));
        assert_eq!(parse_drv_name("foo-bar-1"), ("foo-bar".into(), "1".into()));
    }
}
