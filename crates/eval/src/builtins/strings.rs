//! String builtins: lengths and slices in bytes, versions as Nix compares them, and the
//! JSON/XML/regex entry points (their machinery lives in `json.rs`, `regex.rs`, `xml.rs`).

use crate::error::EvalResult;
use crate::primops::PrimOpDef;
use crate::rc::Rc;
use crate::string_context::ContextBuilder;
use crate::value::{Attr, AttrSet, NixString, Value};
use crate::{bail, prim, Evaluator};
use rnix_eval_parser::{Span, Symbol};

pub(super) static PRIMOPS: &[PrimOpDef] = &[
    prim!("stringLength", 1, |ev, a, s| {
        // A path is copied to the store first (`coerceToString` with `copyToStore`), as
        // for every builtin below that takes a string.
        Ok(Value::Int(ev.coerce_to_string(&a[0], s, false, true)?.len() as i64))
    }),
    prim!("substring", 3, substring),
    prim!("concatStringsSep", 2, concat_strings_sep),
    prim!("replaceStrings", 3, replace_strings),
    prim!("compareVersions", 2, |ev, a, s| {
        let x = ev.expect_plain_string(&a[0], s)?;
        let y = ev.expect_plain_string(&a[1], s)?;
        Ok(Value::Int(compare_versions(x.as_bytes(), y.as_bytes()) as i64))
    }),
    prim!("splitVersion", 1, |ev, a, s| {
        let v = ev.expect_plain_string(&a[0], s)?;
        Ok(Value::list(
            split_version(v.as_bytes())
                .into_iter()
                .map(|c| Value::string(v.bytes.slice_ref(c)))
                .collect(),
        ))
    }),
    prim!("parseDrvName", 1, |ev, a, s| {
        let v = ev.expect_plain_string(&a[0], s)?;
        let (name, version) = parse_drv_name(v.as_bytes());
        let (name, version) = (v.bytes.slice_ref(name), v.bytes.slice_ref(version));
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
        let mut context = crate::string_context::ContextBuilder::default();
        let json = crate::print::to_json_with_context(ev, &a[0], s, &mut context)?;
        Ok(Value::String(Rc::new(NixString::new(json, context.finish()))))
    }),
    prim!("fromJSON", 1, super::json::from_json),
    prim!("toXML", 1, to_xml),
    prim!("match", 2, super::regex::regex_match),
    prim!("split", 2, super::regex::regex_split),
];

fn substring(ev: &mut Evaluator, a: &[Value], s: Option<Span>) -> EvalResult<Value> {
    let start = ev.expect_int(&a[0], s)?;
    let len = ev.expect_int(&a[1], s)?;
    let str = ev.coerce_to_string(&a[2], s, false, true)?;
    if start < 0 {
        bail!(s, "negative start position in 'substring'");
    }
    let n = str.len();
    let start = (start as usize).min(n);
    let end = if len < 0 {
        n
    } else {
        start.saturating_add(len as usize).min(n)
    };
    if start == 0 && end == n {
        return Ok(Value::String(str));
    }
    // A slice of the same buffer: no copy, whatever the string's size.
    Ok(Value::String(Rc::new(NixString::new(
        str.slice(start, end),
        str.context.clone(),
    ))))
}

fn concat_strings_sep(ev: &mut Evaluator, a: &[Value], s: Option<Span>) -> EvalResult<Value> {
    let sep = ev.expect_string(&a[0], s)?;
    let l = ev.expect_list(&a[1], s)?;
    // Copy each element as soon as it is coerced, while it is still in the cache: a
    // first pass collecting the (often freshly evaluated) parts was 13% slower on
    // `benches/programs/strings.nix`.
    let mut out = Vec::new();
    let mut context = ContextBuilder::from(sep.context.as_ref());
    for (i, item) in l.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(sep.as_bytes());
        }
        let part = ev.coerce_to_string(item, s, false, true)?;
        out.extend_from_slice(part.as_bytes());
        crate::eval::merge_context(&mut context, &part);
    }
    Ok(Value::String(Rc::new(NixString::new(out, context.finish()))))
}

fn replace_strings(ev: &mut Evaluator, a: &[Value], s: Option<Span>) -> EvalResult<Value> {
    let from = ev.expect_list(&a[0], s)?;
    let to = ev.expect_list(&a[1], s)?;
    if from.len() != to.len() {
        bail!(
            s,
            "'from' and 'to' arguments passed to builtins.replaceStrings have different lengths"
        );
    }
    let mut patterns = Vec::with_capacity(from.len());
    for p in from.iter() {
        patterns.push(ev.expect_string(p, s)?);
    }
    let subject = ev.expect_string(&a[2], s)?;
    // Modern Nix forces a replacement when it is first used (Nix 2.8: all up front).
    let mut replacements: Vec<Option<Rc<NixString>>> = vec![None; to.len()];
    let input = subject.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(input.len());
    let mut context = ContextBuilder::from(subject.context.as_ref());
    // Where no pattern can start, bytes are copied as a run: trying every pattern at
    // every position (as Nix does) was all of the time of a 200-pattern replacement. An
    // empty pattern matches everywhere, so then every position is tried.
    let mut starts = [false; 256];
    let mut any_empty = false;
    for p in &patterns {
        match p.as_bytes().first() {
            Some(&b) => starts[b as usize] = true,
            None => any_empty = true,
        }
    }
    let pattern_bytes: Vec<&[u8]> = patterns.iter().map(|p| p.as_bytes()).collect();
    let mut pos = 0;
    while pos <= input.len() {
        if !any_empty {
            let run = input[pos..].iter().position(|&b| starts[b as usize]);
            let end = run.map_or(input.len(), |r| pos + r);
            out.extend_from_slice(&input[pos..end]);
            pos = end;
            if pos == input.len() {
                // Only an empty pattern matches at the end.
                break;
            }
        }
        let mut matched = false;
        let rest = &input[pos..];
        for (i, &pat) in pattern_bytes.iter().enumerate() {
            // The first byte compared inline: with an empty pattern every position is
            // tried, and a `memcmp` call per pattern and position was most of the time.
            let hit = match pat.first() {
                None => true,
                Some(b) => rest.first() == Some(b) && rest.starts_with(pat),
            };
            if hit {
                if replacements[i].is_none() {
                    replacements[i] = Some(ev.expect_string(&to[i], s)?);
                }
                let Some(rep) = replacements[i].as_ref() else {
                    unreachable!("forced above")
                };
                out.extend_from_slice(rep.as_bytes());
                if rep.context.is_some() {
                    crate::eval::merge_context(&mut context, rep);
                }
                matched = true;
                if pat.is_empty() {
                    // An empty pattern matches between characters: copy one and go on.
                    if pos < input.len() {
                        out.push(input[pos]);
                    }
                    pos += 1;
                } else {
                    pos += pat.len();
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
    Ok(Value::String(Rc::new(NixString::new(out, context.finish()))))
}

/// Nix's `nextComponent`: skip separators, then a run of digits or of other characters.
fn next_component<'a>(s: &'a [u8], p: &mut usize) -> &'a [u8] {
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
    &s[start..*p]
}

/// A component of digits as a number (`None` for other components, or too large: Nix
/// reads them as a C `int`, so a component past 2^31 - 1 compares as a string).
fn component_number(c: &[u8]) -> Option<i32> {
    std::str::from_utf8(c).ok()?.parse().ok().filter(|_| !c.is_empty())
}

fn components_lt(c1: &[u8], c2: &[u8]) -> bool {
    let n1 = component_number(c1);
    let n2 = component_number(c2);
    match (n1, n2) {
        (Some(a), Some(b)) => a < b,
        _ if c1.is_empty() && n2.is_some() => true,
        _ if c1 == b"pre" && c2 != b"pre" => true,
        _ if c2 == b"pre" => false,
        (_, Some(_)) => true,
        (Some(_), _) => false,
        _ => c1 < c2,
    }
}

pub fn compare_versions(a: &[u8], b: &[u8]) -> i32 {
    let (mut p1, mut p2) = (0, 0);
    while p1 < a.len() || p2 < b.len() {
        let c1 = next_component(a, &mut p1);
        let c2 = next_component(b, &mut p2);
        if components_lt(c1, c2) {
            return -1;
        }
        if components_lt(c2, c1) {
            return 1;
        }
    }
    0
}

pub fn split_version(b: &[u8]) -> Vec<&[u8]> {
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
pub fn parse_drv_name(b: &[u8]) -> (&[u8], &[u8]) {
    for i in 0..b.len() {
        if b[i] == b'-' && i + 1 < b.len() && !b[i + 1].is_ascii_alphabetic() {
            return (&b[..i], &b[i + 1..]);
        }
    }
    (b, &b[b.len()..])
}

/// `toXML`: the value forced as it is printed, without positions; the result keeps
/// the context of the strings in it.
fn to_xml(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let (s, context) = crate::xml::to_xml(ev, &a[0], true, false, span)?;
    Ok(Value::String(Rc::new(NixString::new(s, context))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_nix() {
        assert_eq!(compare_versions(b"1.0", b"1.0"), 0);
        assert_eq!(compare_versions(b"1.0pre1", b"1.0"), -1);
        assert_eq!(compare_versions(b"2.3a", b"2.3.1"), -1);
        assert_eq!(compare_versions(b"1.10", b"1.9"), 1);
        let parts: Vec<&[u8]> = vec![b"1", b"2", b"3", b"pre", b"4", b"x"];
        assert_eq!(split_version(b"1.2.3pre4-x"), parts);
        assert_eq!(parse_drv_name(b"nix-2.8.0"), (&b"nix"[..], &b"2.8.0"[..]));
        assert_eq!(parse_drv_name(b"foo-bar-1"), (&b"foo-bar"[..], &b"1"[..]));
        assert_eq!(parse_drv_name(b"caf\xe9-1"), (&b"caf\xe9"[..], &b"1"[..]));
    }
}
