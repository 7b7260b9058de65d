//! `fromTOML`: TOML 1.0 (as Nix's toml11 parses it) to Nix values.
//!
//! Nix rejects every date and time ("Dates and times are not supported"), but only after
//! the whole document parsed: a syntax error anywhere wins. Parse errors carry the
//! parser's own wording after Nix's `while parsing TOML: ` prefix; toml11's
//! multi-line reports are not reproduced.
//!
//! Numbers toml11 reads with C++ streams, which saturate instead of failing: a decimal,
//! hexadecimal or octal integer outside `i64` becomes `i64::MAX`/`i64::MIN`, a binary
//! integer keeps its low 64 bits (toml11 sums the digits with wrapping), and a float
//! too large becomes the largest finite float. The `toml` crate rejects such literals;
//! each one it reports is replaced by its toml11 value and the text parsed again.

use crate::error::EvalResult;
use crate::primops::PrimOpDef;
use crate::value::{Attr, AttrSet, Value};
use crate::{bail, prim, Evaluator};
use rnix_eval_parser::{Span, Symbol};

pub(super) static PRIMOPS: &[PrimOpDef] = &[prim!(global "fromTOML", 1, from_toml)];

fn from_toml(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let text = ev.expect_string(&a[0], span)?;
    // TOML documents are UTF-8; invalid bytes become U+FFFD and fail to parse.
    let mut doc = text.to_str_lossy();
    let table: toml::Table = loop {
        match toml::from_str(&doc) {
            Ok(t) => break t,
            Err(e) => {
                if let Some(fixed) = e.span().and_then(|r| saturate(&doc, r.start, e.message())) {
                    doc = std::borrow::Cow::Owned(fixed);
                    continue;
                }
                let msg = e.message().trim_end();
                let msg = if msg.is_empty() { "expected a value" } else { msg };
                bail!(span, "while parsing TOML: {msg}")
            }
        }
    };
    if let Some(bad) = find_null_byte(&table) {
        // Modern Nix's `forceNoNullByte` error, through `e.what()` (with its `error: `).
        let shown = bad.replace('\0', "\u{2400}");
        bail!(
            span,
            "while parsing TOML: error: input string '{shown}' cannot be represented as Nix string because it contains null bytes"
        )
    }
    match convert_table(table) {
        Some(v) => Ok(v),
        None => bail!(span, "while parsing TOML: Dates and times are not supported"),
    }
}

/// `doc` with the out-of-range number literal starting at `at` replaced by toml11's value
/// for it; `None` if the error is about something else.
fn saturate(doc: &str, at: usize, message: &str) -> Option<String> {
    let float = match message {
        "number too large to fit in target type" | "number too small to fit in target type" => false,
        "invalid floating-point number" => true,
        _ => return None,
    };
    let rest = doc.get(at..)?;
    let len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-' | '.')))
        .unwrap_or(rest.len());
    let literal = rest[..len].replace('_', "");
    let replacement = if float {
        let f: f64 = literal.parse().ok()?;
        if !f.is_infinite() || literal.contains("inf") {
            return None;
        }
        if f < 0.0 {
            "-1.7976931348623157e308"
        } else {
            "1.7976931348623157e308"
        }
        .to_string()
    } else {
        let (negative, digits) = match literal.as_bytes().first()? {
            b'-' => (true, &literal[1..]),
            b'+' => (false, &literal[1..]),
            _ => (false, literal.as_str()),
        };
        if let Some(bin) = digits.strip_prefix("0b") {
            if !bin.bytes().all(|b| b == b'0' || b == b'1') {
                return None;
            }
            bin.bytes()
                .fold(0u64, |acc, b| acc.wrapping_mul(2).wrapping_add((b - b'0') as u64)) as i64
        } else if digits.bytes().all(|b| b.is_ascii_digit())
            || digits
                .strip_prefix("0x")
                .is_some_and(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            || digits
                .strip_prefix("0o")
                .is_some_and(|d| d.bytes().all(|b| (b'0'..=b'7').contains(&b)))
        {
            if negative {
                i64::MIN
            } else {
                i64::MAX
            }
        } else {
            return None;
        }
        .to_string()
    };
    if replacement == rest[..len] {
        return None;
    }
    Some(format!("{}{}{}", &doc[..at], replacement, &rest[len..]))
}

/// The first key or string holding a NUL byte.
fn find_null_byte(table: &toml::Table) -> Option<String> {
    fn in_value(v: &toml::Value) -> Option<String> {
        match v {
            toml::Value::String(s) if s.contains('\0') => Some(s.clone()),
            toml::Value::Array(items) => items.iter().find_map(in_value),
            toml::Value::Table(t) => find_null_byte(t),
            _ => None,
        }
    }
    table
        .iter()
        .find_map(|(k, v)| if k.contains('\0') { Some(k.clone()) } else { in_value(v) })
}

/// `None` if a date or time occurs anywhere.
fn convert_table(table: toml::Table) -> Option<Value> {
    let mut entries = Vec::with_capacity(table.len());
    for (k, v) in table {
        entries.push(Attr {
            name: Symbol::intern(&k),
            value: convert(v)?,
            pos: None,
        });
    }
    Some(Value::attrs(AttrSet::from_unsorted(entries)))
}

fn convert(v: toml::Value) -> Option<Value> {
    Some(match v {
        toml::Value::String(s) => Value::string(s),
        toml::Value::Integer(i) => Value::Int(i),
        toml::Value::Float(f) => Value::Float(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(_) => return None,
        toml::Value::Array(items) => Value::list(items.into_iter().map(convert).collect::<Option<_>>()?),
        toml::Value::Table(t) => convert_table(t)?,
    })
}
