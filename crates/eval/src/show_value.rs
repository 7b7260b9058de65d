//! Values inside error messages, as modern Nix shows them: `showType` (`a set`, `the
//! built-in function 'map'`) and `printValue` with `errorPrintOptions` (depth 10, 10
//! attributes, 10 list items, 1024 bytes of a string, nothing forced). Sources:
//! `src/libexpr/eval.cc` (`showType`), `src/libexpr/print.cc`,
//! `src/libexpr/include/nix/expr/print-options.hh` (`errorPrintOptions`).

use crate::value::{Peek, Value};
use rnix_eval_parser::show::format_float;
use rustc_hash::FxHashSet;

const MAX_DEPTH: usize = 10;
const MAX_ATTRS: usize = 10;
const MAX_LIST_ITEMS: usize = 10;
const MAX_STRING_LENGTH: usize = 1024;

/// Modern `showType(const Value &)`: like [`Value::type_desc`], but strings with context
/// and built-ins are named.
pub fn show_type(v: &Value) -> String {
    match v {
        Value::String(s) if s.context.is_some() => "a string with context".into(),
        Value::PrimOp(op) => format!("the built-in function '{}'", op.name),
        Value::PrimOpApp(app) => format!("the partially applied built-in function '{}'", app.op.name),
        Value::Lambda(_) => "a function".into(),
        Value::Thunk(t) => match t.done() {
            Some(inner) => show_type(&inner),
            None => "a thunk".into(),
        },
        other => other.type_desc().into(),
    }
}

/// `printValue(state, out, v, errorPrintOptions)` without colours.
pub fn error_value(v: &Value) -> String {
    let mut p = Printer {
        out: String::new(),
        seen: FxHashSet::default(),
        attrs_printed: 0,
        items_printed: 0,
    };
    p.print(v, 0);
    p.out
}

/// `"` + `value` + `"`, escaped as `printLiteralString` does, cut after `max` bytes.
pub fn literal_string(bytes: &[u8], max: usize) -> String {
    let mut out = Vec::with_capacity(bytes.len() + 2);
    out.push(b'"');
    for (i, &c) in bytes.iter().enumerate() {
        if i >= max {
            out.extend_from_slice(b"\" ");
            out.extend_from_slice(elided(bytes.len() - i, "byte", "bytes").as_bytes());
            return String::from_utf8_lossy(&out).into_owned();
        }
        match c {
            b'"' | b'\\' => out.extend_from_slice(&[b'\\', c]),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'$' if bytes.get(i + 1) == Some(&b'{') => out.extend_from_slice(b"\\$"),
            c => out.push(c),
        }
    }
    out.push(b'"');
    String::from_utf8_lossy(&out).into_owned()
}

fn elided(n: usize, single: &str, plural: &str) -> String {
    format!("«{n} {} elided»", if n == 1 { single } else { plural })
}

/// `printAttributeName`: bare when a variable name (`isVarName`), else quoted.
fn attribute_name(name: &str) -> String {
    const RESERVED: [&str; 9] = ["if", "then", "else", "assert", "with", "let", "in", "rec", "inherit"];
    let b = name.as_bytes();
    let bad_start = |c: u8| c.is_ascii_digit() || c == b'-' || c == b'\'';
    let var = b.first().is_some_and(|&c| !bad_start(c))
        && !RESERVED.contains(&name)
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'\''));
    if var {
        name.to_string()
    } else {
        literal_string(name.as_bytes(), usize::MAX)
    }
}

struct Printer {
    out: String,
    /// Sets and lists printed so far (`«repeated»`); every empty set is Nix's one
    /// `Bindings::emptyBindings`, keyed as 0.
    seen: FxHashSet<usize>,
    attrs_printed: usize,
    items_printed: usize,
}

impl Printer {
    fn print(&mut self, v: &Value, depth: usize) {
        match v {
            Value::Thunk(t) => {
                let inner = match t.peek() {
                    Peek::Done(inner) => Ok(inner.clone()),
                    Peek::Blackhole => Err("«potential infinite recursion»"),
                    Peek::Unevaluated => Err("«thunk»"),
                };
                match inner {
                    Ok(inner) => self.print(&inner, depth),
                    Err(shown) => self.out.push_str(shown),
                }
            }
            Value::Null => self.out.push_str("null"),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => self.out.push_str(&i.to_string()),
            Value::Float(f) => self.out.push_str(&format_float(*f)),
            Value::String(s) => self.out.push_str(&literal_string(s.as_bytes(), MAX_STRING_LENGTH)),
            Value::Path(p) => self.out.push_str(p),
            Value::Attrs(set) => {
                let key = if set.is_empty() {
                    0
                } else {
                    crate::value::SetRef::as_ptr(set) as usize
                };
                if !self.seen.insert(key) {
                    self.out.push_str("«repeated»");
                    return;
                }
                if depth >= MAX_DEPTH {
                    self.out.push_str("{ ... }");
                    return;
                }
                self.out.push('{');
                let all = set.entries();
                let mut entries = crate::attrset::sorted_by_name(&all);
                // With a limit on attributes, `type` and `_type` come first.
                entries.sort_by_key(|a| !matches!(a.name.as_str(), "type" | "_type"));
                for (n, attr) in entries.iter().enumerate() {
                    self.out.push(' ');
                    if self.attrs_printed >= MAX_ATTRS {
                        self.out.push_str(&elided(entries.len() - n, "attribute", "attributes"));
                        break;
                    }
                    self.out.push_str(&attribute_name(attr.name.as_str()));
                    self.out.push_str(" = ");
                    self.print(&attr.value, depth + 1);
                    self.out.push(';');
                    self.attrs_printed += 1;
                }
                self.out.push_str(" }");
            }
            Value::List(items) => {
                if !items.is_empty() && !self.seen.insert(crate::value::ListRef::as_ptr(items) as usize) {
                    self.out.push_str("«repeated»");
                    return;
                }
                if depth >= MAX_DEPTH {
                    self.out.push_str("[ ... ]");
                    return;
                }
                self.out.push('[');
                for (n, item) in items.iter().enumerate() {
                    self.out.push(' ');
                    if self.items_printed >= MAX_LIST_ITEMS {
                        self.out.push_str(&elided(items.len() - n, "item", "items"));
                        break;
                    }
                    self.print(item, depth + 1);
                    self.items_printed += 1;
                }
                self.out.push_str(" ]");
            }
            Value::Lambda(c) => {
                self.out.push_str("«lambda");
                if let Some(name) = c.lambda.name {
                    self.out.push(' ');
                    self.out.push_str(name.as_str());
                }
                self.out.push_str(" @ ");
                self.out.push_str(&c.lambda.span.describe());
                self.out.push('»');
            }
            Value::PrimOp(op) => self.out.push_str(&format!("«primop {}»", op.name)),
            Value::PrimOpApp(app) => self
                .out
                .push_str(&format!("«partially applied primop {}»", app.op.name)),
        }
    }
}

/// `%1%: %2%` of modern type errors: the type, then the value (`a set: { }`).
pub fn found(v: &Value) -> String {
    format!("{}: {}", show_type(v), error_value(v))
}

/// `%1% to a string: %2%` of `cannot coerce` errors.
pub fn coerce_found(v: &Value) -> String {
    format!("{} to a string: {}", show_type(v), error_value(v))
}

/// `expected a list but found a set: { }`. Cold and out of line: the interpreter's
/// recursive functions keep their frames small (a debug build recurses 100000 calls deep
/// within the evaluation stack).
#[cold]
#[inline(never)]
pub fn type_error(expected: &str, v: &Value, span: Option<rnix_eval_parser::Span>) -> Box<crate::error::EvalError> {
    crate::error::EvalError::new(
        crate::error::ErrorKind::Eval,
        format!("expected {expected} but found {}", found(v)),
        span,
    )
}

/// `attempt to call something which is not a function but ...`, cold as [`type_error`].
#[cold]
#[inline(never)]
pub fn not_a_function(v: &Value, span: Option<rnix_eval_parser::Span>) -> Box<crate::error::EvalError> {
    crate::error::EvalError::new(
        crate::error::ErrorKind::Eval,
        format!("attempt to call something which is not a function but {}", found(v)),
        span,
    )
}
