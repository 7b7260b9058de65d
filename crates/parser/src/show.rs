//! Print a lowered expression as modern `nix-instantiate --parse` does (`Expr::show`).
//!
//! Also used for `assertion '...' failed` messages. Bindings are shown in modern Nix's
//! order: plain inherits, then `inherit (e)` groups, then sorted definitions.

use crate::ast::{self, AttrName, AttrValue, BinOpKind, BindingKind, Expr, VarKind};
use crate::symbol::Symbol;
use std::fmt::Write;

pub fn show(e: &Expr) -> String {
    let mut out = String::new();
    show_into(&mut out, e);
    out
}

/// `%g` with precision 6, as C++ streams print doubles.
pub fn format_float(f: f64) -> String {
    if f.is_nan() {
        return if f.is_sign_negative() {
            "-nan".into()
        } else {
            "nan".into()
        };
    }
    if f.is_infinite() {
        return if f < 0.0 { "-inf".into() } else { "inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    let precision = 6i32;
    let sci = format!("{:.*e}", (precision - 1) as usize, f);
    let (mantissa, exp) = sci.split_once('e').expect("scientific notation");
    let exp: i32 = exp.parse().expect("exponent");
    if exp < -4 || exp >= precision {
        let mantissa = trim_fraction(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        let decimals = (precision - 1 - exp).max(0) as usize;
        trim_fraction(&format!("{f:.decimals$}")).to_string()
    }
}

fn trim_fraction(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// A string literal as modern Nix prints it (`printLiteralString`).
pub fn quote_string(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len() + 2);
    quote_bytes(&mut out, s.as_bytes());
    String::from_utf8(out).expect("escapes are ASCII and the rest is copied from a str")
}

/// `printLiteralString` on bytes (Nix strings need not be UTF-8): copied as they are,
/// with `"`, `\\`, newline, return, tab and `${` escaped. The evaluator's printer uses it
/// too.
pub fn quote_bytes(out: &mut Vec<u8>, s: &[u8]) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    for (i, &c) in s.iter().enumerate() {
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'$' if s.get(i + 1) == Some(&b'{') => out.extend_from_slice(b"\\$"),
            c => out.push(c),
        }
    }
    out.push(b'"');
}

const RESERVED: [&str; 9] = ["if", "then", "else", "assert", "with", "let", "in", "rec", "inherit"];

/// An attribute name, quoted unless it is a plain identifier (`printIdentifier`).
pub fn identifier(s: &str) -> String {
    let b = s.as_bytes();
    let plain = !b.is_empty()
        && (b[0].is_ascii_alphabetic() || b[0] == b'_')
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'\'' | b'-'))
        && !RESERVED.contains(&s);
    if plain {
        s.to_string()
    } else {
        quote_string(s)
    }
}

fn show_into(out: &mut String, e: &Expr) {
    match e {
        Expr::Int(i) => write!(out, "{i}").unwrap(),
        Expr::Float(f) => out.push_str(&format_float(*f)),
        Expr::Str(s) => out.push_str(&quote_string(s)),
        Expr::Path(p) => out.push_str(p),
        Expr::Var(v) => out.push_str(v.name.as_str()),
        Expr::Select(s) => {
            out.push('(');
            show_into(out, &s.expr);
            out.push(')');
            show_attr_path(out, &s.path);
            if let Some(d) = &s.default {
                out.push_str(" or (");
                show_into(out, d);
                out.push(')');
            }
        }
        Expr::HasAttr(h) => {
            out.push_str("((");
            show_into(out, &h.expr);
            out.push_str(") ? ");
            show_attr_path_bare(out, &h.path);
            out.push(')');
        }
        Expr::Apply(_) => {
            let mut args = Vec::new();
            let mut f = e;
            while let Expr::Apply(a) = f {
                args.push(&a.arg);
                f = &a.func;
            }
            out.push('(');
            show_into(out, f);
            for a in args.iter().rev() {
                out.push(' ');
                show_into(out, a);
            }
            out.push(')');
        }
        Expr::Lambda(l) => show_lambda(out, l),
        Expr::Let(l) => {
            out.push_str("(let ");
            show_bindings(out, &l.slots);
            out.push_str("in ");
            show_into(out, &l.body);
            out.push(')');
        }
        Expr::Attrs(a) => show_attrs(out, a),
        Expr::List(items) => {
            out.push_str("[ ");
            for i in items.iter() {
                out.push('(');
                show_into(out, i);
                out.push_str(") ");
            }
            out.push(']');
        }
        Expr::With(w) => {
            out.push_str("(with ");
            show_into(out, &w.namespace);
            out.push_str("; ");
            show_into(out, &w.body);
            out.push(')');
        }
        Expr::If(i) => {
            out.push_str("(if ");
            show_into(out, &i.cond);
            out.push_str(" then ");
            show_into(out, &i.then);
            out.push_str(" else ");
            show_into(out, &i.else_);
            out.push(')');
        }
        Expr::Assert(a) => {
            out.push_str("assert ");
            show_into(out, &a.cond);
            out.push_str("; ");
            show_into(out, &a.body);
        }
        Expr::BinOp(b) => show_binop(out, b),
        Expr::Not(e, _) => {
            out.push_str("(! ");
            show_into(out, e);
            out.push(')');
        }
        Expr::Neg(e, _) => {
            out.push_str("(__sub 0 ");
            show_into(out, e);
            out.push(')');
        }
        Expr::Interpolate(i) => {
            out.push('(');
            for (n, p) in i.parts.iter().enumerate() {
                if n > 0 {
                    out.push_str(" + ");
                }
                match p {
                    Expr::Str(s) if n == 0 && !i.is_string => out.push_str(s),
                    other => show_into(out, other),
                }
            }
            out.push(')');
        }
        Expr::CurPos(_) => out.push_str("__curPos"),
        Expr::Lazy(l) => match l.get() {
            Some(inner) => show_into(out, inner),
            None => out.push_str("«corrupt parse cache»"),
        },
    }
}

fn show_attr_path(out: &mut String, path: &[AttrName]) {
    for a in path {
        out.push('.');
        show_attr_name(out, a);
    }
}

fn show_attr_path_bare(out: &mut String, path: &[AttrName]) {
    for (i, a) in path.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        show_attr_name(out, a);
    }
}

fn show_attr_name(out: &mut String, a: &AttrName) {
    match a {
        AttrName::Static(s) => out.push_str(&identifier(s.as_str())),
        AttrName::Dynamic(e) => {
            out.push_str("\"${");
            show_into(out, e);
            out.push_str("}\"");
        }
    }
}

fn show_lambda(out: &mut String, l: &ast::Lambda) {
    out.push('(');
    match &l.formals {
        None => {
            out.push_str(l.arg.map(|s| s.as_str()).unwrap_or(""));
        }
        Some(f) => {
            out.push_str("{ ");
            let mut entries: Vec<&ast::Formal> = f.entries.iter().collect();
            entries.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
            let mut first = true;
            for formal in entries {
                if !first {
                    out.push_str(", ");
                }
                first = false;
                out.push_str(&identifier(formal.name.as_str()));
                if let Some(d) = &formal.default {
                    out.push_str(" ? ");
                    show_into(out, d);
                }
            }
            if f.ellipsis {
                if !first {
                    out.push_str(", ");
                }
                out.push_str("...");
            }
            out.push_str(" }");
            if let Some(at) = l.arg {
                out.push_str(" @ ");
                out.push_str(at.as_str());
            }
        }
    }
    out.push_str(": ");
    show_into(out, &l.body);
    out.push(')');
}

/// The source expression and name of an `inherit (e) name` binding.
fn inherit_from_parts(value: &Expr) -> Option<(u32, Symbol)> {
    let Expr::Select(s) = value else { return None };
    let Expr::Var(v) = &s.expr else { return None };
    let VarKind::Local { slot, .. } = v.kind else {
        return None;
    };
    let [AttrName::Static(name)] = &s.path[..] else {
        return None;
    };
    Some((slot, *name))
}

struct Shown<'a> {
    name: Symbol,
    kind: BindingKind,
    value: &'a Expr,
}

/// Modern `showBindings`: `inherit a b; inherit (e) c; x = ...; "${d}" = ...;`.
fn show_bindings_list(out: &mut String, items: Vec<Shown>, frame: &[ast::Binding], dynamic: &[ast::DynamicAttr]) {
    let mut items = items;
    items.sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
    let plain_inherits: Vec<&Shown> = items.iter().filter(|i| i.kind == BindingKind::Inherit).collect();
    if !plain_inherits.is_empty() {
        out.push_str("inherit");
        for i in plain_inherits {
            out.push(' ');
            out.push_str(&identifier(i.name.as_str()));
        }
        out.push_str("; ");
    }
    // inherit-from groups, in source order of their source expressions.
    let mut groups: Vec<(u32, Vec<Symbol>)> = Vec::new();
    for i in items.iter().filter(|i| i.kind == BindingKind::InheritFrom) {
        if let Some((slot, name)) = inherit_from_parts(i.value) {
            match groups.iter_mut().find(|g| g.0 == slot) {
                Some(g) => g.1.push(name),
                None => groups.push((slot, vec![name])),
            }
        }
    }
    groups.sort_by_key(|g| g.0);
    let sources: Vec<&ast::Binding> = frame.iter().filter(|b| b.kind == BindingKind::InheritSource).collect();
    let first_source = frame.len() - sources.len();
    for (slot, names) in groups {
        out.push_str("inherit (");
        if let Some(src) = frame
            .get(slot as usize)
            .or_else(|| sources.get(slot as usize - first_source).copied())
        {
            show_into(out, &src.value);
        }
        out.push(')');
        for n in names {
            out.push(' ');
            out.push_str(&identifier(n.as_str()));
        }
        out.push_str("; ");
    }
    for i in items.iter().filter(|i| i.kind == BindingKind::Plain) {
        out.push_str(&identifier(i.name.as_str()));
        out.push_str(" = ");
        show_into(out, i.value);
        out.push_str("; ");
    }
    for d in dynamic {
        out.push_str("\"${");
        show_into(out, &d.name);
        out.push_str("}\" = ");
        show_into(out, &d.value);
        out.push_str("; ");
    }
}

fn show_bindings(out: &mut String, slots: &[ast::Binding]) {
    let items = slots
        .iter()
        .filter_map(|b| {
            b.name.map(|name| Shown {
                name,
                kind: b.kind,
                value: &b.value,
            })
        })
        .collect();
    show_bindings_list(out, items, slots, &[]);
}

fn show_attrs(out: &mut String, a: &ast::Attrs) {
    if a.rec {
        out.push_str("rec ");
    }
    out.push_str("{ ");
    let items = a
        .attrs
        .iter()
        .map(|def| match &def.value {
            AttrValue::Slot(i) => {
                let b = &a.frame[*i as usize];
                Shown {
                    name: def.name,
                    kind: b.kind,
                    value: &b.value,
                }
            }
            AttrValue::Expr { expr, kind, .. } => Shown {
                name: def.name,
                kind: *kind,
                value: expr,
            },
        })
        .collect();
    show_bindings_list(out, items, &a.frame, &a.dynamic);
    out.push('}');
}

fn show_binop(out: &mut String, b: &ast::BinOp) {
    let call = |out: &mut String, f: &str, x: &Expr, y: &Expr| {
        out.push('(');
        out.push_str(f);
        out.push(' ');
        show_into(out, x);
        out.push(' ');
        show_into(out, y);
        out.push(')');
    };
    match b.op {
        BinOpKind::Sub => call(out, "__sub", &b.lhs, &b.rhs),
        BinOpKind::Mul => call(out, "__mul", &b.lhs, &b.rhs),
        BinOpKind::Div => call(out, "__div", &b.lhs, &b.rhs),
        BinOpKind::Less => call(out, "__lessThan", &b.lhs, &b.rhs),
        BinOpKind::Greater => call(out, "__lessThan", &b.rhs, &b.lhs),
        BinOpKind::LessEq => {
            out.push_str("(! ");
            call(out, "__lessThan", &b.rhs, &b.lhs);
            out.push(')');
        }
        BinOpKind::GreaterEq => {
            out.push_str("(! ");
            call(out, "__lessThan", &b.lhs, &b.rhs);
            out.push(')');
        }
        op => {
            let sym = match op {
                BinOpKind::Add => "+",
                BinOpKind::Concat => "++",
                BinOpKind::Update => "//",
                BinOpKind::Eq => "==",
                BinOpKind::NotEq => "!=",
                BinOpKind::And => "&&",
                BinOpKind::Or => "||",
                _ => "->",
            };
            out.push('(');
            show_into(out, &b.lhs);
            out.push(' ');
            out.push_str(sym);
            out.push(' ');
            show_into(out, &b.rhs);
            out.push(')');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_like_cpp_streams() {
        for (f, s) in [
            (1.0, "1"),
            (1.5, "1.5"),
            (0.1, "0.1"),
            (123456.7, "123457"),
            (1234567.0, "1.23457e+06"),
            (100000000.0, "1e+08"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e20, "1.5e+20"),
            (-2.5, "-2.5"),
        ] {
            assert_eq!(format_float(f), s);
        }
    }

    #[test]
    fn identifiers() {
        assert_eq!(identifier("a-b"), "a-b");
        assert_eq!(identifier("if"), "\"if\"");
        assert_eq!(identifier("then"), "\"then\"");
        assert_eq!(identifier("1x"), "\"1x\"");
        assert_eq!(identifier(""), "\"\"");
        assert_eq!(quote_string("a${b}$c"), "\"a\\${b}$c\"");
    }
}
