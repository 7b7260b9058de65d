//! Nix's XML form of values (`printValueAsXML`): `--xml` output and `builtins.toXML`.
//!
//! Layout follows Nix's `XMLWriter`: two-space indentation, attributes of an element
//! sorted by name (they are a `std::map` there), and only `"`, `<`, `>`, `&` and newline
//! escaped in attribute values. A derivation (a set with `type = "derivation"`) is shown
//! once per `drvPath`; later occurrences, and every derivation without a string
//! `drvPath`, print `<repeated />`.

use crate::error::{ErrorKind, EvalError, EvalResult};
use crate::eval::merge_context;
use crate::string_context::ContextBuilder;
use crate::value::{AttrSet, Value};
use crate::Evaluator;
use rnix_eval_parser::show::format_float;
use rnix_eval_parser::{source, Span, Symbol};
use rustc_hash::{FxHashMap, FxHashSet};

/// The context gathered from the strings printed, for `toXML`'s result.
pub type Context = Option<crate::string_context::Context>;

/// The whole document. `strict` forces values as they are printed (`toXML`, and
/// `--xml --strict` in Nix); otherwise unevaluated values print as `<unevaluated />`.
/// `location` adds `line`/`column`/`path` to attributes and functions. `span` is where the
/// printer's own errors (a value nested too deep) are reported: the `builtins.toXML`
/// call, as `toJSON`'s are, or none for `--xml` output.
pub fn to_xml(
    ev: &mut Evaluator,
    v: &Value,
    strict: bool,
    location: bool,
    span: Option<Span>,
) -> EvalResult<(Vec<u8>, Context)> {
    let mut w = Writer::new(Vec::new(), strict, location, span);
    w.value(ev, v, 1)?;
    w.out.extend_from_slice(b"</expr>\n");
    Ok((w.out, w.context.finish()))
}

/// `--xml` output into `out`. Nix writes the document as it goes and, when printing
/// fails, its open elements are closed as the stack unwinds (`XMLOpenElement`'s
/// destructor, then `XMLWriter`'s): `out` gets that same document before the error.
pub fn write_document(
    ev: &mut Evaluator,
    v: &Value,
    strict: bool,
    location: bool,
    out: &mut Vec<u8>,
) -> EvalResult<()> {
    // The document is written into `out` itself: a large one is held once.
    let mut w = Writer::new(std::mem::take(out), strict, location, None);
    let result = w.value(ev, v, 1);
    if result.is_err() {
        while let Some((depth, name)) = w.open_elements.pop() {
            w.close_tag(depth, name);
        }
    }
    w.out.extend_from_slice(b"</expr>\n");
    *out = w.out;
    result
}

struct Writer {
    /// Bytes: string values are written as they are, as Nix does, even if not UTF-8.
    out: Vec<u8>,
    strict: bool,
    location: bool,
    span: Option<Span>,
    drvs_seen: FxHashSet<Vec<u8>>,
    /// The sets and lists being printed, each with the number of derivations seen when it
    /// was entered. One met again inside itself with no derivation seen since is a cycle
    /// (`let x = { a = x; }; in x`), which would nest until memory ran out (Nix fails when
    /// its native stack does, after half a minute). A derivation newly seen in between
    /// ends the cycle the next time round (`<repeated />`): a derivation's `all` list
    /// holds the derivation, whose attributes hold the list.
    on_path: FxHashMap<usize, usize>,
    /// The elements opened and not yet closed, with their depths.
    open_elements: Vec<(usize, &'static str)>,
    context: ContextBuilder,
}

impl Writer {
    /// A document started after what `out` holds.
    fn new(mut out: Vec<u8>, strict: bool, location: bool, span: Option<Span>) -> Writer {
        out.extend_from_slice(b"<?xml version='1.0' encoding='utf-8'?>\n<expr>\n");
        Writer {
            out,
            strict,
            location,
            span,
            drvs_seen: FxHashSet::default(),
            on_path: FxHashMap::default(),
            open_elements: Vec::new(),
            context: ContextBuilder::default(),
        }
    }
}

/// How deep the document may nest (a set takes two levels, `attrs` and `attr`). Nix 2.8's
/// `toXML` prints 20,000 nested sets (3.2 GB in 8 s: indentation makes the output
/// quadratic in the depth), so in practice the output limit in [`Writer::value`] stops a
/// value that never ends without a cycle of cells (`f = n: [ (f (n + 1)) ]`) first;
/// this bounds the recursion where memory is larger. At 20,000 levels, fuzzing found
/// 10,000 nested sets refused where Nix prints them.
const MAX_XML_DEPTH: usize = 100_000;

type XmlAttrs = Vec<(&'static str, Vec<u8>)>;

fn escape_into(out: &mut Vec<u8>, s: &[u8]) {
    crate::print::push_escaped(out, s, |c| match c {
        b'"' => Some(b"&quot;"),
        b'<' => Some(b"&lt;"),
        b'>' => Some(b"&gt;"),
        b'&' => Some(b"&amp;"),
        // Newlines would be normalised away in attribute values (XML 1.0, 3.3.3).
        b'\n' => Some(b"&#xA;"),
        _ => None,
    });
}

impl Writer {
    fn indent(&mut self, depth: usize) {
        for _ in 0..depth {
            self.out.extend_from_slice(b"  ");
        }
    }

    fn tag(&mut self, depth: usize, name: &str, attrs: &XmlAttrs, end: &str) {
        self.indent(depth);
        self.out.push(b'<');
        self.out.extend_from_slice(name.as_bytes());
        let write_attr = |(k, v): &(&str, Vec<u8>)| {
            self.out.push(b' ');
            self.out.extend_from_slice(k.as_bytes());
            self.out.extend_from_slice(b"=\"");
            escape_into(&mut self.out, v);
            self.out.push(b'"');
        };
        // Most elements have one attribute (`value`, `name`): no sorting needed.
        if attrs.len() <= 1 || attrs.is_sorted_by_key(|(k, _)| *k) {
            attrs.iter().for_each(write_attr);
        } else {
            let mut sorted: Vec<&(&str, Vec<u8>)> = attrs.iter().collect();
            sorted.sort_by_key(|(k, _)| *k);
            sorted.into_iter().for_each(write_attr);
        }
        self.out.extend_from_slice(end.as_bytes());
    }

    fn empty(&mut self, depth: usize, name: &str, attrs: &XmlAttrs) {
        self.tag(depth, name, attrs, " />\n");
    }

    fn open(&mut self, depth: usize, name: &'static str, attrs: &XmlAttrs) {
        self.tag(depth, name, attrs, ">\n");
        self.open_elements.push((depth, name));
    }

    fn close(&mut self, depth: usize, name: &'static str) {
        self.open_elements.pop();
        self.close_tag(depth, name);
    }

    fn close_tag(&mut self, depth: usize, name: &str) {
        self.indent(depth);
        self.out.extend_from_slice(b"</");
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b">\n");
    }

    fn position(&self, span: Option<Span>) -> XmlAttrs {
        match span {
            Some(span) if self.location => {
                let file = source::file(span.file);
                let (line, col) = file.line_col(span.start);
                let mut attrs = vec![
                    ("column", col.to_string().into_bytes()),
                    ("line", line.to_string().into_bytes()),
                ];
                // Only a file has a path (modern Nix's `posToXML`; not `-E` or stdin).
                if matches!(file.origin, source::Origin::Path(_)) {
                    attrs.push(("path", file.display_name().into_bytes()));
                }
                attrs
            }
            _ => Vec::new(),
        }
    }

    /// Forced when strict; otherwise the value as it stands (`None`: not evaluated).
    fn resolve(&mut self, ev: &mut Evaluator, v: &Value) -> EvalResult<Option<Value>> {
        if self.strict {
            return ev.force(v).map(Some);
        }
        Ok(match v {
            Value::Thunk(t) => t.done(),
            other => Some(other.clone()),
        })
    }

    fn attrs(&mut self, ev: &mut Evaluator, set: &AttrSet, depth: usize) -> EvalResult<()> {
        let entries = set.entries();
        for attr in crate::attrset::sorted_by_name(&entries) {
            let mut attrs = self.position(attr.span());
            attrs.push(("name", attr.name.as_bytes().to_vec()));
            self.open(depth, "attr", &attrs);
            self.value(ev, &attr.value.clone(), depth + 1)?;
            self.close(depth, "attr");
        }
        Ok(())
    }

    /// `drvPath`/`outPath` of a derivation when they are strings (forced when strict).
    fn drv_attr(&mut self, ev: &mut Evaluator, set: &AttrSet, name: &str) -> EvalResult<Option<Vec<u8>>> {
        let Some(v) = set.get(Symbol::intern(name)).cloned() else {
            return Ok(None);
        };
        Ok(match self.resolve(ev, &v)? {
            Some(Value::String(s)) => Some(s.as_bytes().to_vec()),
            _ => None,
        })
    }

    /// Nix's message for a value that nests without end.
    fn overflow(&self) -> Box<EvalError> {
        EvalError::new(
            ErrorKind::Eval,
            "stack overflow (possible infinite recursion)",
            self.span,
        )
    }

    /// Note a set or list as being printed ([`Writer::leave`] takes the note back); one
    /// printed inside itself with no derivation seen since is a cycle, reported at once.
    fn enter(&mut self, cell: usize) -> EvalResult<(usize, Option<usize>)> {
        let seen = self.drvs_seen.len();
        match self.on_path.insert(cell, seen) {
            Some(before) if before == seen => Err(self.overflow()),
            before => Ok((cell, before)),
        }
    }

    fn leave(&mut self, (cell, before): (usize, Option<usize>)) {
        match before {
            Some(seen) => self.on_path.insert(cell, seen),
            None => self.on_path.remove(&cell),
        };
    }

    /// One value, a level of the walk: counted against an explicit `max-call-depth`, as
    /// modern Nix's `printValueAsXML` calls `addCallDepth` ([`Evaluator::value_level`]).
    fn value(&mut self, ev: &mut Evaluator, v: &Value, depth: usize) -> EvalResult<()> {
        let span = self.span;
        ev.value_level(span, |ev| self.value_at_level(ev, v, depth))
    }

    fn value_at_level(&mut self, ev: &mut Evaluator, v: &Value, depth: usize) -> EvalResult<()> {
        ev.check_native_stack(self.span)?;
        if depth > MAX_XML_DEPTH {
            return Err(self.overflow());
        }
        // Indentation makes deep values quadratic (100,000 nested lists are 10 GB, as in
        // Nix): stop while growing the buffer can still succeed, instead of being
        // killed by the kernel once memory is overcommitted.
        if self.out.len() > crate::memory::memory_limit() / 4 {
            return Err(crate::memory::out_of_memory(self.span));
        }
        let Some(v) = self.resolve(ev, v)? else {
            self.empty(depth, "unevaluated", &Vec::new());
            return Ok(());
        };
        let one = |k: &'static str, v: String| vec![(k, v.into_bytes())];
        match &v {
            Value::Null => self.empty(depth, "null", &Vec::new()),
            Value::Bool(b) => self.empty(depth, "bool", &one("value", b.to_string())),
            Value::Int(i) => self.empty(depth, "int", &one("value", i.to_string())),
            Value::Float(f) => self.empty(depth, "float", &one("value", format_float(*f))),
            Value::String(s) => {
                merge_context(&mut self.context, s);
                self.empty(depth, "string", &vec![("value", s.as_bytes().to_vec())])
            }
            Value::Path(p) => self.empty(depth, "path", &one("value", p.to_string())),
            Value::Attrs(set) if ev.is_derivation(set)? => {
                let mut attrs = Vec::new();
                let drv_path = self.drv_attr(ev, set, "drvPath")?;
                if let Some(p) = &drv_path {
                    attrs.push(("drvPath", p.clone()));
                }
                if let Some(p) = self.drv_attr(ev, set, "outPath")? {
                    attrs.push(("outPath", p));
                }
                self.open(depth, "derivation", &attrs);
                match drv_path {
                    Some(p) if !p.is_empty() && self.drvs_seen.insert(p.clone()) => self.attrs(ev, set, depth + 1)?,
                    _ => self.empty(depth + 1, "repeated", &Vec::new()),
                }
                self.close(depth, "derivation");
            }
            Value::Attrs(set) => {
                let cell = self.enter(crate::value::SetRef::as_ptr(set) as usize)?;
                self.open(depth, "attrs", &Vec::new());
                self.attrs(ev, set, depth + 1)?;
                self.close(depth, "attrs");
                self.leave(cell);
            }
            Value::List(items) => {
                let cell = self.enter(crate::value::ListRef::as_ptr(items) as usize)?;
                self.open(depth, "list", &Vec::new());
                for item in items.iter() {
                    self.value(ev, item, depth + 1)?;
                }
                self.close(depth, "list");
                self.leave(cell);
            }
            Value::Lambda(c) => {
                let l = c.lambda;
                let pos = self.position(Some(l.span));
                self.open(depth, "function", &pos);
                match &l.formals {
                    None => {
                        let name = l.arg.map(|a| a.as_str()).unwrap_or("").to_string();
                        self.empty(depth + 1, "varpat", &one("name", name))
                    }
                    Some(f) => {
                        let mut attrs = Vec::new();
                        if f.ellipsis {
                            attrs.push(("ellipsis", b"1".to_vec()));
                        }
                        if let Some(a) = l.arg {
                            attrs.push(("name", a.as_str().as_bytes().to_vec()));
                        }
                        self.open(depth + 1, "attrspat", &attrs);
                        let mut names: Vec<&str> = f.entries.iter().map(|e| e.name.as_str()).collect();
                        names.sort();
                        for n in names {
                            self.empty(depth + 2, "attr", &one("name", n.to_string()));
                        }
                        self.close(depth + 1, "attrspat");
                    }
                }
                self.close(depth, "function");
            }
            // Nix does not serialise primops either.
            Value::PrimOp(_) | Value::PrimOpApp(_) | Value::Thunk(_) => self.empty(depth, "unevaluated", &Vec::new()),
        }
        Ok(())
    }
}
