//! Turning values into text: `nix-instantiate --eval` output, JSON and XML.
//!
//! `--eval` output never forces anything (with `--strict` the caller forces first):
//! unevaluated thunks print as `<CODE>`, functions as `<LAMBDA>`/`<PRIMOP>`, and a
//! non-empty set or list printed before prints as `«repeated»`, as in Nix.

use crate::error::EvalResult;
use crate::value::{AttrSet, ThunkState, Value};
use crate::{bail, Evaluator};
use rnix_eval_parser::show::{format_float, identifier, quote_string};
use rnix_eval_parser::{source, Span};
use rustc_hash::FxHashSet;
use std::fmt::Write;
use std::rc::Rc;

/// Print as `nix-instantiate --eval` does.
pub fn print_value(_ev: &mut Evaluator, v: &Value, _strict: bool) -> EvalResult<String> {
    let mut out = String::new();
    let mut seen = FxHashSet::default();
    print_into(&mut out, v, None, &mut seen);
    Ok(out)
}

/// `cell` is the thunk the value was found in, if any: Nix keys short lists (inline in
/// their value cell) by the cell, everything else by its shared storage.
fn print_into(out: &mut String, v: &Value, cell: Option<usize>, seen: &mut FxHashSet<usize>) {
    match v {
        Value::Thunk(t) => {
            let state = t.0.borrow();
            match &*state {
                ThunkState::Done(inner) => {
                    let inner = inner.clone();
                    drop(state);
                    print_into(out, &inner, Some(Rc::as_ptr(&t.0) as usize), seen)
                }
                ThunkState::Blackhole => out.push_str("«potential infinite recursion»"),
                _ => out.push_str("<CODE>"),
            }
        }
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => write!(out, "{i}").unwrap(),
        Value::Float(f) => out.push_str(&format_float(*f)),
        Value::String(s) => out.push_str(&quote_string(&s.s)),
        Value::Path(p) => out.push_str(p),
        Value::Attrs(set) => {
            if !set.is_empty() && !seen.insert(Rc::as_ptr(set) as usize) {
                out.push_str("«repeated»");
                return;
            }
            out.push_str("{ ");
            for attr in set.sorted_entries() {
                out.push_str(&identifier(attr.name.as_str()));
                out.push_str(" = ");
                print_into(out, &attr.value, None, seen);
                out.push_str("; ");
            }
            out.push('}');
        }
        Value::List(items) => {
            let key = if items.len() <= 2 {
                cell.unwrap_or(Rc::as_ptr(items) as usize)
            } else {
                Rc::as_ptr(items) as usize
            };
            if !items.is_empty() && !seen.insert(key) {
                out.push_str("«repeated»");
                return;
            }
            out.push_str("[ ");
            for item in items.iter() {
                print_into(out, item, None, seen);
                out.push(' ');
            }
            out.push(']');
        }
        Value::Lambda(_) => out.push_str("<LAMBDA>"),
        Value::PrimOp(_) => out.push_str("<PRIMOP>"),
        Value::PrimOpApp(_) => out.push_str("<PRIMOP-APP>"),
    }
}

// ------------------------------------------------------------------------- JSON

/// `builtins.toJSON` / `--json`: forces as it goes.
pub fn to_json(ev: &mut Evaluator, v: &Value, span: Option<Span>) -> EvalResult<String> {
    let mut context = None;
    to_json_with_context(ev, v, span, &mut context)
}

/// JSON text plus the context of every string in it (paths are copied to the store and
/// contribute theirs), as `toJSON` and `__structuredAttrs` need.
pub fn to_json_with_context(
    ev: &mut Evaluator,
    v: &Value,
    span: Option<Span>,
    context: &mut Option<Box<std::collections::BTreeSet<String>>>,
) -> EvalResult<String> {
    let mut out = String::new();
    json_into(ev, &mut out, v, span, context)?;
    Ok(out)
}

fn json_into(
    ev: &mut Evaluator,
    out: &mut String,
    v: &Value,
    span: Option<Span>,
    ctx: &mut Option<Box<std::collections::BTreeSet<String>>>,
) -> EvalResult<()> {
    let v = ev.force(v)?;
    match &v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => write!(out, "{i}").unwrap(),
        Value::Float(f) => out.push_str(&json_float(*f)),
        Value::String(s) => {
            crate::eval::merge_context(ctx, s);
            json_string(out, &s.s)
        }
        Value::Path(_) => {
            let s = ev.coerce_to_string(&v, span, false, true)?;
            crate::eval::merge_context(ctx, &s);
            json_string(out, &s.s)
        }
        Value::Attrs(set) => {
            if set.get(ev.sym.to_string).is_some() {
                let s = ev.coerce_to_string(&v, span, false, true)?;
                crate::eval::merge_context(ctx, &s);
                json_string(out, &s.s);
                return Ok(());
            }
            if let Some(o) = set.get(ev.sym.out_path).cloned() {
                return json_into(ev, out, &o, span, ctx);
            }
            out.push('{');
            for (i, attr) in set.sorted_entries().into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(out, attr.name.as_str());
                out.push(':');
                json_into(ev, out, &attr.value.clone(), span, ctx)?;
            }
            out.push('}');
        }
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_into(ev, out, item, span, ctx)?;
            }
            out.push(']');
        }
        Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_) => {
            bail!(span, "cannot convert {} to JSON", v.type_desc())
        }
        Value::Thunk(_) => unreachable!("forced"),
    }
    Ok(())
}

fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => write!(out, "\\u{:04x}", c as u32).unwrap(),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Modern Nix (nlohmann::json) float output: the shortest round-trip digits, decimal
/// notation for exponents in (-5, 15], integral values keep `.0`.
pub fn json_float(f: f64) -> String {
    if !f.is_finite() {
        return "null".into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').expect("scientific");
    let exp: i32 = exp.parse().expect("exponent");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i32;
    let n = exp + 1;
    let body = if k <= n && n <= 15 {
        format!("{digits}{}.0", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 15 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -4 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let m = if k == 1 {
            digits.clone()
        } else {
            format!("{}.{}", &digits[..1], &digits[1..])
        };
        let e = n - 1;
        format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
    };
    format!("{sign}{body}")
}

// ------------------------------------------------------------------------- XML

/// `--xml` output (`printValueAsXML`), for a value already forced as far as wanted.
pub fn to_xml(ev: &mut Evaluator, v: &Value, location: bool) -> EvalResult<String> {
    let mut out = String::from("<?xml version='1.0' encoding='utf-8'?>\n<expr>\n");
    let mut drvs_seen = FxHashSet::default();
    xml_into(ev, &mut out, v, 1, location, &mut drvs_seen)?;
    out.push_str("</expr>\n");
    Ok(out)
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            '\t' => out.push_str("&#x9;"),
            c => out.push(c),
        }
    }
    out
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn empty_elem(out: &mut String, depth: usize, name: &str, attrs: &[(&str, String)]) {
    indent(out, depth);
    out.push('<');
    out.push_str(name);
    for (k, v) in attrs {
        write!(out, " {k}=\"{}\"", xml_escape(v)).unwrap();
    }
    out.push_str(" />\n");
}

fn open_elem(out: &mut String, depth: usize, name: &str, attrs: &[(&str, String)]) {
    indent(out, depth);
    out.push('<');
    out.push_str(name);
    for (k, v) in attrs {
        write!(out, " {k}=\"{}\"", xml_escape(v)).unwrap();
    }
    out.push_str(">\n");
}

fn close_elem(out: &mut String, depth: usize, name: &str) {
    indent(out, depth);
    writeln!(out, "</{name}>").unwrap();
}

fn position_attrs(span: Option<Span>, location: bool) -> Vec<(&'static str, String)> {
    match span {
        Some(span) if location => {
            let file = source::file(span.file);
            let (line, col) = file.line_col(span.start);
            vec![
                ("column", col.to_string()),
                ("line", line.to_string()),
                ("path", file.display_name()),
            ]
        }
        _ => Vec::new(),
    }
}

fn xml_attrs(
    ev: &mut Evaluator,
    out: &mut String,
    set: &AttrSet,
    depth: usize,
    location: bool,
    drvs: &mut FxHashSet<usize>,
) -> EvalResult<()> {
    for attr in set.sorted_entries() {
        let mut attrs = position_attrs(attr.pos, location);
        attrs.insert(if location { 2 } else { 0 }, ("name", attr.name.as_str().to_string()));
        open_elem(out, depth, "attr", &attrs);
        xml_into(ev, out, &attr.value.clone(), depth + 1, location, drvs)?;
        close_elem(out, depth, "attr");
    }
    Ok(())
}

fn xml_into(
    ev: &mut Evaluator,
    out: &mut String,
    v: &Value,
    depth: usize,
    location: bool,
    drvs: &mut FxHashSet<usize>,
) -> EvalResult<()> {
    let v = match v {
        Value::Thunk(t) => match &*t.0.borrow() {
            ThunkState::Done(inner) => inner.clone(),
            _ => {
                empty_elem(out, depth, "unevaluated", &[]);
                return Ok(());
            }
        },
        other => other.clone(),
    };
    match &v {
        Value::Null => empty_elem(out, depth, "null", &[]),
        Value::Bool(b) => empty_elem(out, depth, "bool", &[("value", b.to_string())]),
        Value::Int(i) => empty_elem(out, depth, "int", &[("value", i.to_string())]),
        Value::Float(f) => empty_elem(out, depth, "float", &[("value", format_float(*f))]),
        Value::String(s) => empty_elem(out, depth, "string", &[("value", s.s.clone())]),
        Value::Path(p) => empty_elem(out, depth, "path", &[("value", p.to_string())]),
        Value::Attrs(set) => {
            if ev.is_derivation(set)? {
                let mut attrs = Vec::new();
                for (key, sym) in [("drvPath", "drvPath"), ("outPath", "outPath")] {
                    if let Some(p) = set.get(rnix_eval_parser::Symbol::intern(sym)).cloned() {
                        if let Value::String(s) = ev.force(&p)? {
                            attrs.push((key, s.s.clone()));
                        }
                    }
                }
                let key = Rc::as_ptr(set) as usize;
                if !drvs.insert(key) {
                    open_elem(out, depth, "derivation", &attrs);
                    empty_elem(out, depth + 1, "repeated", &[]);
                } else {
                    open_elem(out, depth, "derivation", &attrs);
                    xml_attrs(ev, out, set, depth + 1, location, drvs)?;
                }
                close_elem(out, depth, "derivation");
            } else {
                open_elem(out, depth, "attrs", &[]);
                xml_attrs(ev, out, set, depth + 1, location, drvs)?;
                close_elem(out, depth, "attrs");
            }
        }
        Value::List(items) => {
            open_elem(out, depth, "list", &[]);
            for item in items.iter() {
                xml_into(ev, out, item, depth + 1, location, drvs)?;
            }
            close_elem(out, depth, "list");
        }
        Value::Lambda(c) => {
            let l = c.lambda;
            open_elem(out, depth, "function", &position_attrs(Some(l.span), location));
            match &l.formals {
                None => empty_elem(
                    out,
                    depth + 1,
                    "varpat",
                    &[("name", l.arg.map(|a| a.as_str()).unwrap_or("").into())],
                ),
                Some(f) => {
                    let mut attrs = Vec::new();
                    if f.ellipsis {
                        attrs.push(("ellipsis", "1".to_string()));
                    }
                    if let Some(a) = l.arg {
                        attrs.push(("name", a.as_str().to_string()));
                    }
                    open_elem(out, depth + 1, "attrspat", &attrs);
                    let mut names: Vec<&str> = f.entries.iter().map(|e| e.name.as_str()).collect();
                    names.sort();
                    for n in names {
                        empty_elem(out, depth + 2, "attr", &[("name", n.to_string())]);
                    }
                    close_elem(out, depth + 1, "attrspat");
                }
            }
            close_elem(out, depth, "function");
        }
        Value::PrimOp(_) | Value::PrimOpApp(_) | Value::Thunk(_) => empty_elem(out, depth, "unevaluated", &[]),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::json_float;

    #[test]
    fn json_floats_like_modern_nix() {
        assert_eq!(json_float(1.0), "1.0");
        assert_eq!(json_float(0.1), "0.1");
        assert_eq!(json_float(1.5), "1.5");
        assert_eq!(json_float(100000000.0), "100000000.0");
        assert_eq!(json_float(1e-7), "1e-07");
        assert_eq!(json_float(1.5e20), "1.5e+20");
        assert_eq!(json_float(0.0001), "0.0001");
        assert_eq!(json_float(-2.5), "-2.5");
    }
}
