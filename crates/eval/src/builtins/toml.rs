//! `fromTOML`: TOML 1.0 (as Nix's toml11 parses it) to Nix values.
//!
//! Nix rejects every date and time ("Dates and times are not supported"), but only after
//! the whole document parsed: a syntax error anywhere wins. Parse errors carry the
//! parser's own wording after Nix's `while parsing a TOML string: ` prefix; toml11's
//! multi-line reports are not reproduced.

use crate::error::EvalResult;
use crate::primops::PrimOpDef;
use crate::value::{Attr, AttrSet, Value};
use crate::{bail, prim, Evaluator};
use rnix_eval_parser::{Span, Symbol};

pub(super) static PRIMOPS: &[PrimOpDef] = &[prim!("fromTOML", 1, from_toml)];

fn from_toml(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let text = ev.expect_string(&a[0], span)?;
    // TOML documents are UTF-8; invalid bytes become U+FFFD and fail to parse.
    let table: toml::Table = match toml::from_str(&text.to_str_lossy()) {
        Ok(t) => t,
        Err(e) => bail!(span, "while parsing a TOML string: {}", e.message().trim_end()),
    };
    match convert_table(table) {
        Some(v) => Ok(v),
        None => bail!(span, "while parsing a TOML string: Dates and times are not supported"),
    }
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
