//! Turning values into text: `nix-instantiate --eval` output, JSON and XML.
//!
//! `--eval` output never forces anything (with `--strict` the caller forces first):
//! unevaluated thunks print as `<CODE>`, functions as `<LAMBDA>`/`<PRIMOP>`, and a
//! non-empty set or list printed before prints as `«repeated»`, as in Nix.

use crate::error::EvalResult;
use crate::rc::Rc;
use crate::string_context::ContextBuilder;
use crate::value::{Peek, Value};
use crate::{bail, Evaluator};
use rnix_eval_parser::show::{format_float, identifier, quote_bytes};
use rnix_eval_parser::Span;
use rustc_hash::FxHashSet;
use std::io::Write;

/// Print as `nix-instantiate --eval` does.
pub fn print_value(ev: &mut Evaluator, v: &Value, _strict: bool) -> EvalResult<Vec<u8>> {
    let mut out = Vec::new();
    let mut seen = FxHashSet::default();
    print_into(ev, &mut out, v, None, &mut seen)?;
    Ok(out)
}

/// `cell` is the thunk the value was found in, if any: Nix keys short lists (inline in
/// their value cell) by the cell, everything else by its shared storage.
fn print_into(
    ev: &Evaluator,
    out: &mut Vec<u8>,
    v: &Value,
    cell: Option<usize>,
    seen: &mut FxHashSet<usize>,
) -> EvalResult<()> {
    ev.check_native_stack(None)?;
    match v {
        Value::Thunk(t) => {
            let state = match t.peek() {
                Peek::Done(inner) => Ok(inner.clone()),
                Peek::Blackhole => Err("«potential infinite recursion»"),
                Peek::Unevaluated => Err("<CODE>"),
            };
            match state {
                Ok(inner) => print_into(ev, out, &inner, Some(Rc::as_ptr(&t.0) as usize), seen)?,
                Err(shown) => out.extend_from_slice(shown.as_bytes()),
            }
        }
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Int(i) => write!(out, "{i}").unwrap(),
        Value::Float(f) => out.extend_from_slice(format_float(*f).as_bytes()),
        Value::String(s) => quote_bytes(out, s.as_bytes()),
        Value::Path(p) => out.extend_from_slice(p.as_bytes()),
        Value::Attrs(set) => {
            if !set.is_empty() && !seen.insert(crate::value::SetRef::as_ptr(set) as usize) {
                out.extend_from_slice("«repeated»".as_bytes());
                return Ok(());
            }
            out.extend_from_slice(b"{ ");
            let entries = set.entries();
            for attr in crate::attrset::sorted_by_name(&entries) {
                match std::str::from_utf8(attr.name.as_bytes()) {
                    Ok(name) => out.extend_from_slice(identifier(name).as_bytes()),
                    // Never an identifier: quoted, with its own bytes.
                    Err(_) => rnix_eval_parser::show::quote_bytes(out, attr.name.as_bytes()),
                }
                out.extend_from_slice(b" = ");
                print_into(ev, out, &attr.value, None, seen)?;
                out.extend_from_slice(b"; ");
            }
            out.push(b'}');
        }
        Value::List(items) => {
            let key = if items.len() <= 2 {
                cell.unwrap_or(crate::value::ListRef::as_ptr(items) as usize)
            } else {
                crate::value::ListRef::as_ptr(items) as usize
            };
            if !items.is_empty() && !seen.insert(key) {
                out.extend_from_slice("«repeated»".as_bytes());
                return Ok(());
            }
            out.extend_from_slice(b"[ ");
            for item in items.iter() {
                print_into(ev, out, item, None, seen)?;
                out.push(b' ');
            }
            out.push(b']');
        }
        Value::Lambda(_) => out.extend_from_slice(b"<LAMBDA>"),
        Value::PrimOp(_) => out.extend_from_slice(b"<PRIMOP>"),
        Value::PrimOpApp(_) => out.extend_from_slice(b"<PRIMOP-APP>"),
    }
    Ok(())
}

// ------------------------------------------------------------------------- JSON

/// `--json` (`printValueAsJSON`): with `strict` (`--strict`, and always for `toJSON`)
/// values are forced as they are printed, so a derivation costs only its `outPath`;
/// without it an unevaluated value is an error, as in Nix.
pub fn to_json(ev: &mut Evaluator, v: &Value, span: Option<Span>, strict: bool) -> EvalResult<Vec<u8>> {
    let mut out = Vec::new();
    let mut context = ContextBuilder::default();
    json_value(ev, &mut out, v, span, &mut context, strict, true)?;
    Ok(out)
}

/// JSON text plus the context of every string in it (paths are copied to the store and
/// contribute theirs), as `toJSON` and `__structuredAttrs` need.
pub fn to_json_with_context(
    ev: &mut Evaluator,
    v: &Value,
    span: Option<Span>,
    context: &mut ContextBuilder,
) -> EvalResult<Vec<u8>> {
    let mut out = Vec::new();
    json_into(ev, &mut out, v, span, context, true)?;
    Ok(out)
}

fn json_into(
    ev: &mut Evaluator,
    out: &mut Vec<u8>,
    v: &Value,
    span: Option<Span>,
    ctx: &mut ContextBuilder,
    strict: bool,
) -> EvalResult<()> {
    json_value(ev, out, v, span, ctx, strict, false)
}

#[allow(clippy::too_many_arguments)]
/// A set with `__toString` as modern Nix's `peelToStringOutPath` turns it into JSON:
/// the result must be a string or a path (printed as it is, not copied), or a set to
/// peel again (`__toString`, `outPath`). Source: `src/libexpr/value-to-json.cc`,
/// `include/nix/expr/eval-inline.hh` (`checkToStringReturn`).
fn json_through_to_string(
    ev: &mut Evaluator,
    out: &mut Vec<u8>,
    set: &Value,
    f: Value,
    span: Option<Span>,
    ctx: &mut ContextBuilder,
) -> EvalResult<()> {
    let f = ev.force(&f)?;
    let result = ev.call(f, set.clone(), span)?;
    let mut cur = ev.force(&result)?;
    // Each set peeled is a level of Nix's recursion (`coerceToString` of the result), so
    // a cycle (`s = { __toString = _: s; }`) ends as a recursion too deep, not a hang.
    let mut levels = 0usize;
    loop {
        levels += 1;
        if levels > ev.max_call_depth {
            return Err(ev.call_depth_exceeded(span));
        }
        let next = match &cur {
            Value::String(s) => {
                crate::eval::merge_context(ctx, s);
                json_string(out, s.as_bytes());
                return Ok(());
            }
            Value::Path(p) => {
                json_string(out, p.as_bytes());
                return Ok(());
            }
            Value::Attrs(inner) => {
                if let Some(f) = inner.get(ev.sym.to_string).cloned() {
                    let f = ev.force(&f)?;
                    ev.call(f, cur.clone(), span)?
                } else if let Some(o) = inner.get(ev.sym.out_path).cloned() {
                    o
                } else {
                    bail!(
                        span,
                        "`__toString` must return a string, but got {}",
                        crate::show_value::found(&cur)
                    )
                }
            }
            other => bail!(
                span,
                "`__toString` should return a string, but got {}",
                crate::show_value::found(other)
            ),
        };
        cur = ev.force(&next)?;
    }
}

fn json_value(
    ev: &mut Evaluator,
    out: &mut Vec<u8>,
    v: &Value,
    span: Option<Span>,
    ctx: &mut ContextBuilder,
    strict: bool,
    top: bool,
) -> EvalResult<()> {
    ev.value_level(span, |ev| json_value_at_depth(ev, out, v, span, ctx, strict, top))
}

#[allow(clippy::too_many_arguments)]
fn json_value_at_depth(
    ev: &mut Evaluator,
    out: &mut Vec<u8>,
    v: &Value,
    span: Option<Span>,
    ctx: &mut ContextBuilder,
    strict: bool,
    top: bool,
) -> EvalResult<()> {
    ev.check_native_stack(span)?;
    let v = match v {
        Value::Thunk(t) if !strict => match t.done() {
            Some(v) => v,
            None => bail!(span, "cannot convert a thunk to JSON"),
        },
        // A lambda written directly as a value is a thunk in Nix (rnix-eval does not
        // defer it); a function a thunk evaluated to is `Done` above.
        Value::Lambda(_) if !strict && !top => bail!(span, "cannot convert a thunk to JSON"),
        v => ev.force(v)?,
    };
    match &v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Int(i) => write!(out, "{i}").unwrap(),
        Value::Float(f) => out.extend_from_slice(json_float(*f).as_bytes()),
        Value::String(s) => {
            crate::eval::merge_context(ctx, s);
            json_string(out, s.as_bytes())
        }
        Value::Path(_) => {
            let s = ev.coerce_to_string(&v, span, false, true)?;
            crate::eval::merge_context(ctx, &s);
            json_string(out, s.as_bytes())
        }
        Value::Attrs(set) => {
            if let Some(f) = set.get(ev.sym.to_string).cloned() {
                return json_through_to_string(ev, out, &v, f, span, ctx);
            }
            // Nix passes each attribute's position down (`printValueAsJSON(..., a.pos)`):
            // an error about a value is reported where its attribute is defined.
            let at = |pos: Option<Span>| pos.or(span);
            if let Some(o) = set.get_attr(ev.sym.out_path).cloned() {
                return json_into(ev, out, &o.value, at(o.span()), ctx, strict);
            }
            out.push(b'{');
            let entries = set.entries();
            for (i, attr) in crate::attrset::sorted_by_name(&entries).into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                json_string(out, attr.name.as_bytes());
                out.push(b':');
                json_into(ev, out, &attr.value.clone(), at(attr.span()), ctx, strict)?;
            }
            out.push(b'}');
        }
        Value::List(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                json_into(ev, out, item, span, ctx, strict)?;
            }
            out.push(b']');
        }
        // At the function itself when it has a position (Nix's `v.determinePos(pos)`),
        // named as `showType` names it (`the built-in function 'add'`).
        Value::Lambda(c) => bail!(Some(c.lambda.span), "cannot convert a function to JSON"),
        Value::PrimOp(_) | Value::PrimOpApp(_) => {
            bail!(span, "cannot convert {} to JSON", crate::show_value::show_type(&v))
        }
        Value::Thunk(_) => unreachable!("forced"),
    }
    Ok(())
}

/// A JSON string as Nix 2.8 writes it: `"`, `\\` and control characters escaped, every
/// other byte (also invalid UTF-8) copied as it is.
pub(crate) fn json_string(out: &mut Vec<u8>, s: &[u8]) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    push_escaped(out, s, |c| match c {
        b'"' => Some(b"\\\""),
        b'\\' => Some(b"\\\\"),
        b'\n' => Some(b"\\n"),
        b'\r' => Some(b"\\r"),
        b'\t' => Some(b"\\t"),
        c if c < 0x20 => Some(&JSON_CONTROL[c as usize]),
        _ => None,
    });
    out.push(b'"');
}

/// `\u00XX` for each control character, as `toJSON` writes them.
const JSON_CONTROL: [[u8; 6]; 32] = {
    let mut table = [*b"\\u0000"; 32];
    let mut c = 0;
    while c < 32 {
        table[c][4] = b"0123456789abcdef"[c >> 4];
        table[c][5] = b"0123456789abcdef"[c & 15];
        c += 1;
    }
    table
};

/// Append `s` with the bytes `escape` has a replacement for replaced. Runs without such
/// bytes are copied whole (a per-byte push checked the capacity each time: `toJSON` and
/// `toXML` of NixOS's option descriptions, long and rarely escaped).
pub(crate) fn push_escaped(out: &mut Vec<u8>, s: &[u8], escape: impl Fn(u8) -> Option<&'static [u8]>) {
    let mut start = 0;
    for (i, &c) in s.iter().enumerate() {
        if let Some(escaped) = escape(c) {
            out.extend_from_slice(&s[start..i]);
            out.extend_from_slice(escaped);
            start = i + 1;
        }
    }
    out.extend_from_slice(&s[start..]);
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

/// `--xml` output (`printValueAsXML`) appended to `out`: with `strict`, values are forced
/// as they are printed (a derivation seen before is `<repeated />` and not forced again);
/// if printing fails, the document as far as it got, closed.
pub fn to_xml(ev: &mut Evaluator, v: &Value, strict: bool, location: bool, out: &mut Vec<u8>) -> EvalResult<()> {
    crate::xml::write_document(ev, v, strict, location, out)
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
