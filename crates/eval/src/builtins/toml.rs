//! `fromTOML`: TOML 1.0 (as Nix's toml11 parses it) to Nix values.
//!
//! Nix rejects every date and time ("Dates and times are not supported"), but only after
//! the whole document parsed: a syntax error anywhere wins. Parse errors carry the
//! parser's own wording after Nix's `while parsing TOML: ` prefix; toml11's
//! multi-line reports are not reproduced. A `[table]` header defining a key again (also a
//! table defined by dotted keys, which Nix 2.8's toml11 3.x merged) is an error with toml11
//! 4.x's title, as in modern Nix.
//!
//! An integer outside `i64` is an error, as in modern Nix (Nix 2.8's toml11 saturated
//! it). A float too large becomes the largest finite float, as toml11 reads it; the
//! `toml` crate rejects such literals, so each one it reports is replaced and the text
//! parsed again. NUL bytes in keys and strings are refused, as modern Nix does.

use crate::error::EvalResult;
use crate::primops::PrimOpDef;
use crate::value::{Attr, AttrSet, Value};
use crate::{bail, prim, Evaluator};
use rnix_eval_parser::{Span, Symbol};

pub(super) static PRIMOPS: &[PrimOpDef] = &[prim!(global "fromTOML", 1, from_toml)];

fn from_toml(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let text = ev.expect_plain_string(&a[0], span)?;
    // TOML documents are UTF-8: toml11 refuses other bytes anywhere, in strings and
    // comments too (a lossy conversion would read them as U+FFFD).
    let mut doc = match std::str::from_utf8(text.as_bytes()) {
        Ok(doc) => std::borrow::Cow::Borrowed(doc),
        Err(e) => {
            let before = &text.as_bytes()[..e.valid_up_to()];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let column = before.len() - before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
            bail!(
                span,
                "while parsing TOML: invalid utf8 sequence found at line {line}, column {column}"
            )
        }
    };
    let table: toml::Table = loop {
        match toml::from_str(&doc) {
            Ok(t) => break t,
            Err(e) => {
                if let Some(msg) = e.span().and_then(|r| integer_out_of_range(&doc, r.start, e.message())) {
                    bail!(span, "while parsing TOML: {msg}")
                }
                if let Some(msg) = e.span().and_then(|r| table_redefined(&doc, r.start, e.message())) {
                    bail!(span, "while parsing TOML: {msg}")
                }
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
    match convert_table(table, ev.toml_timestamps) {
        Ok(v) => Ok(v),
        Err(msg) => bail!(span, "while parsing TOML: {msg}"),
    }
}

/// Modern Nix's toml11 refuses an integer literal outside `i64` (Nix 2.8's saturated
/// it): its message, for the literal starting at `at`; `None` for other errors.
fn integer_out_of_range(doc: &str, at: usize, message: &str) -> Option<String> {
    if !matches!(
        message,
        "number too large to fit in target type" | "number too small to fit in target type"
    ) {
        return None;
    }
    let rest = doc.get(at..)?;
    let digits = rest.trim_start_matches(['+', '-']);
    let kind = match digits.get(..2) {
        Some("0x") => "hex",
        Some("0o") => "oct",
        Some("0b") => "bin",
        _ => "dec",
    };
    // toml11's excerpt, as modern Nix prints it: the line, and a mark just past the literal.
    let len = digits
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(digits.len());
    let end = at + (rest.len() - digits.len()) + len;
    let line_start = doc.get(..end)?.rfind('\n').map_or(0, |i| i + 1);
    let line = doc.get(line_start..)?.split('\n').next()?.trim_end_matches('\r');
    let number = doc.get(..end)?.matches('\n').count() + 1;
    let width = number.to_string().len();
    let pad = " ".repeat(width + 1);
    let column = doc.get(line_start..end)?.chars().count();
    Some(format!(
        "[error] toml::parse_{kind}_integer: too large integer: current max digits = 2^63\n \
         --> fromTOML\n{pad} |\n {number:>width$} | {line}\n{pad} | {}^-- must be < 2^63\n",
        " ".repeat(column)
    ))
}

/// toml11 4.x's title for a `[table]` header naming a key already defined (by another
/// header, by dotted keys, inline or as a value), which TOML 1.0 and modern Nix refuse (Nix
/// 2.8's toml11 3.x merged a table defined by dotted keys): the `toml` crate calls it a
/// duplicate key in a table header. `None` for other errors.
fn table_redefined(doc: &str, at: usize, message: &str) -> Option<String> {
    if !(message.starts_with("invalid table header") && message.contains("duplicate key")) {
        return None;
    }
    let line_start = doc.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let header = doc.get(line_start..)?.trim_start_matches([' ', '\t']);
    (header.starts_with('[') && !header.starts_with("[["))
        .then(|| "[error] toml::insert_value: failed to insert a table, table already defined".to_string())
}

/// `doc` with the too-large float literal starting at `at` replaced by the largest finite
/// float, as toml11 reads it; `None` if the error is about something else.
fn saturate(doc: &str, at: usize, message: &str) -> Option<String> {
    if message != "invalid floating-point number" {
        return None;
    }
    let rest = doc.get(at..)?;
    let len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-' | '.')))
        .unwrap_or(rest.len());
    let literal = rest[..len].replace('_', "");
    let f: f64 = literal.parse().ok()?;
    if !f.is_infinite() || literal.contains("inf") {
        return None;
    }
    let replacement = if f < 0.0 {
        "-1.7976931348623157e308"
    } else {
        "1.7976931348623157e308"
    };
    Some(format!("{}{}{}", &doc[..at], replacement, &rest[len..]))
}

/// Fails on a date or time anywhere, or a NUL byte in a key or string.
fn convert_table(table: toml::Table, timestamps: bool) -> Result<Value, String> {
    let mut entries = Vec::with_capacity(table.len());
    for (k, v) in table {
        super::json::no_null_bytes(k.as_bytes()).map_err(|e| format!("error: {e}"))?;
        entries.push(Attr {
            name: Symbol::intern(&k),
            value: convert(v, timestamps)?,
            pos: None,
        });
    }
    Ok(Value::attrs(AttrSet::from_unsorted(entries)))
}

fn convert(v: toml::Value, timestamps: bool) -> Result<Value, String> {
    Ok(match v {
        toml::Value::String(s) => {
            super::json::no_null_bytes(s.as_bytes()).map_err(|e| format!("error: {e}"))?;
            Value::string(s)
        }
        toml::Value::Integer(i) => Value::Int(i),
        toml::Value::Float(f) => Value::Float(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) if timestamps => timestamp(&d),
        toml::Value::Datetime(_) => return Err("Dates and times are not supported".into()),
        toml::Value::Array(items) => Value::list(
            items
                .into_iter()
                .map(|v| convert(v, timestamps))
                .collect::<Result<_, _>>()?,
        ),
        toml::Value::Table(t) => convert_table(t, timestamps)?,
    })
}

/// `{ _type = "timestamp"; value = ...; }` as modern Nix prints toml11's value: `T` between
/// date and time, seconds always, the fraction in 3, 6 or 9 digits, `Z` for UTC.
fn timestamp(d: &toml::value::Datetime) -> Value {
    let mut text = String::new();
    if let Some(date) = &d.date {
        text.push_str(&format!("{:04}-{:02}-{:02}", date.year, date.month, date.day));
    }
    if let Some(time) = &d.time {
        if d.date.is_some() {
            text.push('T');
        }
        text.push_str(&format!("{:02}:{:02}:{:02}", time.hour, time.minute, time.second));
        let nanos = time.nanosecond;
        if nanos > 0 {
            let digits = format!("{nanos:09}");
            let significant = digits.trim_end_matches('0').len();
            let shown = significant.div_ceil(3) * 3;
            text.push('.');
            text.push_str(&digits[..shown]);
        }
    }
    match &d.offset {
        Some(toml::value::Offset::Z) => text.push('Z'),
        Some(toml::value::Offset::Custom { minutes }) => {
            let sign = if *minutes < 0 { '-' } else { '+' };
            let m = minutes.unsigned_abs();
            text.push_str(&format!("{sign}{:02}:{:02}", m / 60, m % 60));
        }
        None => {}
    }
    let entries = vec![
        Attr {
            name: Symbol::intern("_type"),
            value: Value::string("timestamp"),
            pos: None,
        },
        Attr {
            name: Symbol::intern("value"),
            value: Value::string(text),
            pos: None,
        },
    ];
    Value::attrs(AttrSet::from_unsorted(entries))
}
