//! A compact binary encoding of the lowered AST, for the on-disk parse cache.
//!
//! Hand-written for decoding speed: a byte cursor, LEB128 varints, one tag byte per node.
//! Symbols go through a per-file string table written before the tree; the tree names
//! them by index, and the decoder interns each table entry once. Spans store `start` and
//! `end - start`; the file id is the decoder's argument (it is assigned when the file is
//! registered, so it differs between runs).
//!
//! Attribute values, `let`/`rec` bindings and function bodies are written after their
//! length (4 bytes), so that a decoder can step over them: in a large file
//! ([`LAZY_FILE_MIN`]) such a subtree of [`LAZY_MIN`] bytes or more becomes an
//! [`Expr::Lazy`], decoded when the evaluator first reaches it. A NixOS system imports
//! nixpkgs' `node-packages.nix`, `perl-packages.nix` and `all-packages.nix` (4.8 of the
//! 12 MB of source it reads) and evaluates few of their attributes. A subtree waiting in
//! an entry of the parse cache is read from its pack again when it is decoded.
//!
//! Cache files are untrusted input: [`decode`] bounds-checks every length against the
//! remaining bytes, caps the nesting depth at [`MAX_DEPTH`], validates UTF-8 and returns
//! `None` on any inconsistency. It never panics.

use crate::ast::*;
use crate::source::{FileId, Span};
use crate::symbol::Symbol;
use rustc_hash::FxHashMap;
use std::sync::{Arc, OnceLock};

/// Deepest expression nesting encoded or decoded: a quarter of the parser's limit
/// ([`crate::depth::MAX_DEPTH`], in parser stack entries), far beyond real code (nixpkgs stays under a few
/// hundred). Deeper trees are not cached; the decoder rejects anything deeper, so a
/// corrupt file cannot exhaust the stack.
pub const MAX_DEPTH: u32 = 2_500;

// Expression tags.
const T_INT: u8 = 0;
const T_FLOAT: u8 = 1;
const T_STR: u8 = 2;
const T_PATH: u8 = 3;
const T_VAR: u8 = 4;
const T_SELECT: u8 = 5;
const T_HAS_ATTR: u8 = 6;
const T_APPLY: u8 = 7;
const T_LAMBDA: u8 = 8;
const T_LET: u8 = 9;
const T_ATTRS: u8 = 10;
const T_LIST: u8 = 11;
const T_WITH: u8 = 12;
const T_IF: u8 = 13;
const T_ASSERT: u8 = 14;
const T_BINOP: u8 = 15;
const T_NOT: u8 = 16;
const T_NEG: u8 = 17;
const T_INTERPOLATE: u8 = 18;
const T_CUR_POS: u8 = 19;

/// Subtrees shorter than this (encoded) are decoded at once: a lazy node takes 56 bytes
/// of its own, and a short subtree is cheap to decode.
pub const LAZY_MIN: usize = 32;

/// Files whose encoding is shorter than this are decoded whole: a small file (a NixOS
/// module, a package's expression) is mostly evaluated, and each subtree of a lazy file
/// decoded later costs a read of its pack ([`LazySource`]).
pub const LAZY_FILE_MIN: usize = 8 << 10;

/// The operator's index in a `T_BINOP`'s byte; the two high bits are its move marks.
const OP_BITS: u8 = 0x3f;
const MOVE_LHS_BIT: u8 = 0x80;
const MOVE_RHS_BIT: u8 = 0x40;
const _: () = assert!(BIN_OPS.len() <= OP_BITS as usize + 1);

const BIN_OPS: [BinOpKind; 15] = [
    BinOpKind::Add,
    BinOpKind::Sub,
    BinOpKind::Mul,
    BinOpKind::Div,
    BinOpKind::Concat,
    BinOpKind::Update,
    BinOpKind::Eq,
    BinOpKind::NotEq,
    BinOpKind::Less,
    BinOpKind::LessEq,
    BinOpKind::Greater,
    BinOpKind::GreaterEq,
    BinOpKind::And,
    BinOpKind::Or,
    BinOpKind::Implication,
];

const BINDING_KINDS: [BindingKind; 4] = [
    BindingKind::Plain,
    BindingKind::Inherit,
    BindingKind::InheritFrom,
    BindingKind::InheritSource,
];

/// Append the encoding of `expr` to `out`. The symbol table starts with `names`, in that
/// order, so that decoding interns them in the order lowering did ([`crate::intern_order`]);
/// other symbols of the tree follow. `None` (with `out` in an unspecified state) if the
/// tree is deeper than [`MAX_DEPTH`].
pub fn encode(expr: &Expr, names: &[Symbol], out: &mut Vec<u8>) -> Option<()> {
    let mut body = Vec::with_capacity(4096);
    let mut enc = Encoder {
        out: &mut body,
        symbols: FxHashMap::default(),
        table: Vec::new(),
        depth: 0,
    };
    for &name in names {
        enc.add_symbol(name);
    }
    enc.expr(expr)?;
    let table = std::mem::take(&mut enc.table);
    let mut head = Encoder {
        out,
        symbols: FxHashMap::default(),
        table: Vec::new(),
        depth: 0,
    };
    head.uint(table.len() as u64);
    for sym in table {
        head.str(sym.as_str());
    }
    out.extend_from_slice(&body);
    Some(())
}

/// Decode one expression from the whole of `bytes`, with spans in `file`, all of it at
/// once. `None` if the bytes are not exactly one well-formed encoding.
pub fn decode(bytes: &[u8], file: FileId) -> Option<Expr> {
    let (symbols, start) = symbol_table(bytes)?;
    decode_tree(bytes, start, 0, file, &symbols, None)
}

/// Decode the encoding that fills `bytes[start..]`, leaving large subtrees of a large
/// file for later ([`LazyExpr`]), which read them again from `pack`, where `bytes` are at
/// `offset` (a parse-cache pack never changes: [`crate::pack`]). The caller must have
/// checked the bytes' integrity (the parse cache's checksum): a subtree decoded later
/// cannot fall back to parsing, and reports a corrupt cache instead.
pub fn decode_deferred(
    bytes: &[u8],
    start: usize,
    file: FileId,
    pack: Arc<std::fs::File>,
    offset: u64,
) -> Option<Expr> {
    let (symbols, body) = symbol_table(bytes.get(start..)?)?;
    if bytes.len() - start < LAZY_FILE_MIN {
        return decode_tree(bytes, start + body, 0, file, &symbols, None);
    }
    let source = Arc::new(LazySource {
        pack,
        offset,
        file,
        symbols: symbols.into_boxed_slice(),
    });
    decode_tree(bytes, start + body, 0, file, &source.symbols, Some(&source))
}

/// The symbol table at the start of an encoding, interned, and where the tree starts.
fn symbol_table(bytes: &[u8]) -> Option<(Vec<Symbol>, usize)> {
    let mut dec = Decoder {
        bytes,
        pos: 0,
        file: FileId::DETACHED,
        origin: 0,
        symbols: &[],
        depth: 0,
        budget: bytes.len(),
        lazy: None,
    };
    let n = dec.len()?;
    let mut symbols = Vec::with_capacity(n);
    for _ in 0..n {
        symbols.push(Symbol::intern(dec.str()?));
    }
    Some((symbols, dec.pos))
}

/// Decode the one expression that fills `bytes[start..]`; `origin` is where `bytes`
/// starts in its file's whole encoding (the offsets deferred subtrees keep).
fn decode_tree(
    bytes: &[u8],
    start: usize,
    origin: usize,
    file: FileId,
    symbols: &[Symbol],
    lazy: Option<&Arc<LazySource>>,
) -> Option<Expr> {
    let mut dec = Decoder {
        bytes,
        pos: start,
        origin,
        file,
        symbols,
        depth: 0,
        budget: bytes.len() - start,
        lazy,
    };
    let expr = dec.expr()?;
    (dec.pos == bytes.len()).then_some(expr)
}

/// What the subtrees of one lazily decoded file share: where its encoding is, and its
/// symbols. The encoding stays in its pack, read again for each subtree: kept in memory,
/// the encodings were 7 MB of a desktop NixOS system's 290 MB peak, most of it never
/// decoded (`all-packages.nix`); a `pread` per decoded subtree costs less than that.
struct LazySource {
    pack: Arc<std::fs::File>,
    /// Where the encoding starts in `pack`.
    offset: u64,
    file: FileId,
    symbols: Box<[Symbol]>,
}

/// A subtree of a cached file, decoded on first use ([`Expr::Lazy`]). Invariant: its
/// bytes are exactly one encoded expression of the kinds [`deferrable`] allows, which
/// the evaluator would make a thunk of anyway, so deferring one changes no value and no
/// printed `<CODE>`.
pub struct LazyExpr {
    source: Arc<LazySource>,
    start: u32,
    len: u32,
    tree: OnceLock<Option<Expr>>,
}

impl LazyExpr {
    /// The subtree, decoded now if it was not yet; `None` if its bytes are corrupt.
    pub fn get(&self) -> Option<&Expr> {
        self.tree
            .get_or_init(|| {
                let source = &*self.source;
                let mut bytes = vec![0u8; self.len as usize];
                let at = source.offset + u64::from(self.start);
                std::os::unix::fs::FileExt::read_exact_at(&*source.pack, &mut bytes, at).ok()?;
                decode_tree(
                    &bytes,
                    0,
                    self.start as usize,
                    source.file,
                    &source.symbols,
                    Some(&self.source),
                )
            })
            .as_ref()
    }

    /// The file the subtree is in, for the message about a corrupt cache.
    pub fn file(&self) -> FileId {
        self.source.file
    }
}

impl std::fmt::Debug for LazyExpr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.get() {
            Some(expr) => expr.fmt(f),
            None => f.write_str("<corrupt lazy subtree>"),
        }
    }
}

/// Whether an encoded value may stay undecoded: only kinds for which the evaluator
/// always makes a thunk (not literals, variables, functions, selections, `?`, or the
/// integer arithmetic it folds).
fn deferrable(bytes: &[u8]) -> bool {
    match bytes.first() {
        Some(&(T_APPLY | T_LET | T_ATTRS | T_LIST | T_WITH | T_IF | T_ASSERT | T_NOT | T_NEG | T_INTERPOLATE)) => true,
        Some(&T_BINOP) => bytes
            .get(1)
            .and_then(|op| BIN_OPS.get((op & OP_BITS) as usize))
            .is_some_and(|op| !matches!(op, BinOpKind::Add | BinOpKind::Sub | BinOpKind::Mul)),
        _ => false,
    }
}

// ------------------------------------------------------------------ encoder

struct Encoder<'a> {
    out: &'a mut Vec<u8>,
    symbols: FxHashMap<Symbol, u32>,
    /// Symbols in index order, written before the tree.
    table: Vec<Symbol>,
    depth: u32,
}

impl Encoder<'_> {
    fn byte(&mut self, b: u8) {
        self.out.push(b);
    }

    fn uint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.out.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.out.push(v as u8);
    }

    fn u32(&mut self, v: u32) {
        self.uint(v as u64)
    }

    fn bool(&mut self, b: bool) {
        self.byte(b as u8)
    }

    fn str(&mut self, s: &str) {
        self.uint(s.len() as u64);
        self.out.extend_from_slice(s.as_bytes());
    }

    fn symbol(&mut self, sym: Symbol) {
        let i = self.add_symbol(sym);
        self.u32(i);
    }

    /// The table index of `sym`, added at the end when it is new.
    fn add_symbol(&mut self, sym: Symbol) -> u32 {
        let next = self.table.len() as u32;
        let i = *self.symbols.entry(sym).or_insert(next);
        if i == next {
            self.table.push(sym);
        }
        i
    }

    /// An expression after its length, so that a decoder can step over it.
    fn value(&mut self, e: &Expr) -> Option<()> {
        let at = self.out.len();
        self.out.extend_from_slice(&[0; 4]);
        self.expr(e)?;
        let len = u32::try_from(self.out.len() - at - 4).ok()?;
        self.out[at..at + 4].copy_from_slice(&len.to_le_bytes());
        Some(())
    }

    fn opt_symbol(&mut self, sym: Option<Symbol>) {
        match sym {
            None => self.byte(0),
            Some(s) => {
                self.byte(1);
                self.symbol(s);
            }
        }
    }

    fn span(&mut self, span: Span) {
        self.u32(span.start);
        self.u32(span.end.wrapping_sub(span.start));
    }

    fn opt_expr(&mut self, e: &Option<&Expr>) -> Option<()> {
        match e {
            None => {
                self.byte(0);
                Some(())
            }
            Some(e) => {
                self.byte(1);
                self.expr(e)
            }
        }
    }

    fn exprs(&mut self, es: &[Expr]) -> Option<()> {
        self.uint(es.len() as u64);
        es.iter().try_for_each(|e| self.expr(e))
    }

    fn expr(&mut self, e: &Expr) -> Option<()> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let r = self.expr_inner(e);
        self.depth -= 1;
        r
    }

    fn expr_inner(&mut self, e: &Expr) -> Option<()> {
        match e {
            Expr::Int(i) => {
                self.byte(T_INT);
                self.uint(((*i << 1) ^ (*i >> 63)) as u64);
            }
            Expr::Float(f) => {
                self.byte(T_FLOAT);
                self.out.extend_from_slice(&f.to_bits().to_le_bytes());
            }
            Expr::Str(s) => {
                self.byte(T_STR);
                self.str(s);
            }
            Expr::Path(s) => {
                self.byte(T_PATH);
                self.str(s);
            }
            Expr::Var(v) => {
                self.byte(T_VAR);
                self.var(v);
            }
            Expr::Select(s) => {
                self.byte(T_SELECT);
                self.expr(&s.expr)?;
                self.attr_path(&s.path)?;
                self.opt_expr(&s.default.as_deref())?;
                self.span(s.span);
                match s.builtin {
                    None => self.byte(0),
                    Some(slot) => self.u32(slot + 1),
                }
            }
            Expr::HasAttr(h) => {
                self.byte(T_HAS_ATTR);
                self.expr(&h.expr)?;
                self.attr_path(&h.path)?;
                self.span(h.span);
            }
            Expr::Apply(a) => {
                self.byte(T_APPLY);
                self.expr(&a.func)?;
                self.expr(&a.arg)?;
                self.span(a.span);
            }
            Expr::Lambda(l) => {
                self.byte(T_LAMBDA);
                self.opt_symbol(l.arg);
                match &l.formals {
                    None => self.byte(0),
                    Some(f) => {
                        self.byte(1 | (f.ellipsis as u8) << 1 | (f.at_before as u8) << 2);
                        self.uint(f.entries.len() as u64);
                        for formal in f.entries.iter() {
                            self.symbol(formal.name);
                            self.opt_expr(&formal.default.as_ref())?;
                            self.span(formal.span);
                        }
                    }
                }
                self.value(&l.body)?;
                self.u32(l.frame_size);
                self.u32(l.skip);
                self.opt_symbol(l.name);
                self.span(l.span);
            }
            Expr::Let(l) => {
                self.byte(T_LET);
                self.bindings(&l.slots)?;
                self.expr(&l.body)?;
            }
            Expr::Attrs(a) => {
                self.byte(T_ATTRS);
                self.bool(a.rec);
                self.bindings(&a.frame)?;
                self.uint(a.attrs.len() as u64);
                for def in a.attrs.iter() {
                    self.symbol(def.name);
                    match &def.value {
                        AttrValue::Slot(n) => {
                            self.byte(0);
                            self.u32(*n);
                        }
                        AttrValue::Expr { expr, in_frame, kind } => {
                            self.byte(1 | (*in_frame as u8) << 1 | (*kind as u8) << 2);
                            self.value(expr)?;
                        }
                    }
                    self.span(def.span);
                }
                self.uint(a.dynamic.len() as u64);
                for d in a.dynamic.iter() {
                    self.expr(&d.name)?;
                    self.expr(&d.value)?;
                    self.span(d.span);
                }
            }
            Expr::List(items) => {
                self.byte(T_LIST);
                self.exprs(items)?;
            }
            Expr::With(w) => {
                self.byte(T_WITH);
                self.expr(&w.namespace)?;
                self.expr(&w.body)?;
                self.span(w.span);
            }
            Expr::If(i) => {
                self.byte(T_IF);
                self.expr(&i.cond)?;
                self.expr(&i.then)?;
                self.expr(&i.else_)?;
                self.span(i.span);
            }
            Expr::Assert(a) => {
                self.byte(T_ASSERT);
                self.expr(&a.cond)?;
                self.expr(&a.body)?;
                self.span(a.span);
            }
            Expr::BinOp(b) => {
                self.byte(T_BINOP);
                // `move_lhs` and `move_rhs` (`moves.rs`) are part of the encoding: a
                // subtree decoded later has no enclosing tree to compute them from.
                let marks = if b.move_lhs { MOVE_LHS_BIT } else { 0 } | if b.move_rhs { MOVE_RHS_BIT } else { 0 };
                self.byte(b.op as u8 | marks);
                self.expr(&b.lhs)?;
                self.expr(&b.rhs)?;
                self.span(b.span);
                self.u32(b.rhs_start);
            }
            Expr::Not(e, span) => {
                self.byte(T_NOT);
                self.expr(e)?;
                self.span(*span);
            }
            Expr::Neg(e, span) => {
                self.byte(T_NEG);
                self.expr(e)?;
                self.span(*span);
            }
            Expr::Interpolate(i) => {
                self.byte(T_INTERPOLATE);
                self.bool(i.is_string);
                self.exprs(&i.parts)?;
                for start in i.part_starts.iter() {
                    self.u32(*start);
                }
                self.span(i.span);
            }
            Expr::CurPos(span) => {
                self.byte(T_CUR_POS);
                self.span(*span);
            }
            Expr::Lazy(l) => return self.expr_inner(l.get()?),
        }
        Some(())
    }

    fn var(&mut self, v: &Var) {
        self.symbol(v.name);
        match &v.kind {
            VarKind::Local { depth, slot } => {
                self.byte(0);
                self.u32(*depth);
                self.u32(*slot);
            }
            VarKind::Global(slot) => {
                self.byte(1);
                self.u32(*slot);
            }
            VarKind::With(depths) => {
                self.byte(2);
                self.uint(depths.len() as u64);
                for d in depths.iter() {
                    self.u32(d.depth);
                }
            }
        }
        self.span(v.span);
    }

    fn attr_path(&mut self, path: &[AttrName]) -> Option<()> {
        self.uint(path.len() as u64);
        for name in path {
            match name {
                AttrName::Static(sym) => {
                    self.byte(0);
                    self.symbol(*sym);
                }
                AttrName::Dynamic(e) => {
                    self.byte(1);
                    self.expr(e)?;
                }
            }
        }
        Some(())
    }

    fn bindings(&mut self, bindings: &[Binding]) -> Option<()> {
        self.uint(bindings.len() as u64);
        for b in bindings {
            self.opt_symbol(b.name);
            self.byte(b.kind as u8 | (b.outer as u8) << 7);
            self.value(&b.value)?;
            self.span(b.span);
        }
        Some(())
    }
}

// ------------------------------------------------------------------ decoder

struct Decoder<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// Where `bytes` starts in the file's whole encoding.
    origin: usize,
    file: FileId,
    symbols: &'a [Symbol],
    depth: u32,
    /// Set when large subtrees may stay undecoded ([`LazyExpr`]).
    lazy: Option<&'a Arc<LazySource>>,
    /// Items all counts together may still announce. Each item of a valid encoding
    /// starts with a byte of its own, so the counts add up to at most the input's
    /// length; a corrupt count cannot make nested levels preallocate it many times over.
    budget: usize,
}

impl Decoder<'_> {
    #[inline]
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    #[inline]
    fn uint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        let mut shift = 0u32;
        loop {
            let b = self.byte()?;
            if shift == 63 && b > 1 {
                return None;
            }
            v |= ((b & 0x7f) as u64) << shift;
            if b < 0x80 {
                return Some(v);
            }
            shift += 7;
            if shift > 63 {
                return None;
            }
        }
    }

    #[inline]
    fn u32(&mut self) -> Option<u32> {
        u32::try_from(self.uint()?).ok()
    }

    /// A count of items, each at least one byte long: no more than the bytes left.
    #[inline]
    fn len(&mut self) -> Option<usize> {
        let n = usize::try_from(self.uint()?).ok()?;
        if n > self.bytes.len() - self.pos || n > self.budget {
            return None;
        }
        self.budget -= n;
        Some(n)
    }

    fn bool(&mut self) -> Option<bool> {
        match self.byte()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    fn str(&mut self) -> Option<&str> {
        let n = self.len()?;
        let s = std::str::from_utf8(&self.bytes[self.pos..self.pos + n]).ok()?;
        self.pos += n;
        Some(s)
    }

    fn symbol(&mut self) -> Option<Symbol> {
        self.symbols.get(usize::try_from(self.uint()?).ok()?).copied()
    }

    /// An expression written by `Encoder::value`: left for later when it is long
    /// enough and of a kind that is a thunk anyway ([`deferrable`]).
    fn value(&mut self) -> Option<Expr> {
        let len = u32::from_le_bytes(self.bytes.get(self.pos..self.pos + 4)?.try_into().ok()?);
        self.pos += 4;
        let start = self.pos;
        let end = start.checked_add(len as usize).filter(|&end| end <= self.bytes.len())?;
        if let Some(source) = self.lazy {
            if len as usize >= LAZY_MIN && deferrable(&self.bytes[start..end]) {
                self.pos = end;
                return Some(Expr::Lazy(Box::new(LazyExpr {
                    source: source.clone(),
                    start: u32::try_from(self.origin + start).ok()?,
                    len,
                    tree: OnceLock::new(),
                })));
            }
        }
        let expr = self.expr()?;
        (self.pos == end).then_some(expr)
    }

    fn opt_symbol(&mut self) -> Option<Option<Symbol>> {
        match self.byte()? {
            0 => Some(None),
            1 => Some(Some(self.symbol()?)),
            _ => None,
        }
    }

    #[inline]
    fn span(&mut self) -> Option<Span> {
        let start = self.u32()?;
        let end = start.checked_add(self.u32()?)?;
        Some(Span {
            file: self.file,
            start,
            end,
        })
    }

    fn opt_expr(&mut self) -> Option<Option<Expr>> {
        match self.byte()? {
            0 => Some(None),
            1 => Some(Some(self.expr()?)),
            _ => None,
        }
    }

    fn exprs(&mut self) -> Option<Box<[Expr]>> {
        let n = self.len()?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(self.expr()?);
        }
        Some(v.into_boxed_slice())
    }

    fn expr(&mut self) -> Option<Expr> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let e = self.expr_inner();
        self.depth -= 1;
        e
    }

    fn expr_inner(&mut self) -> Option<Expr> {
        Some(match self.byte()? {
            T_INT => {
                let z = self.uint()?;
                Expr::Int((z >> 1) as i64 ^ -((z & 1) as i64))
            }
            T_FLOAT => {
                let bytes = self.bytes.get(self.pos..self.pos + 8)?;
                self.pos += 8;
                Expr::Float(f64::from_bits(u64::from_le_bytes(bytes.try_into().ok()?)))
            }
            T_STR => Expr::Str(self.str()?.into()),
            T_PATH => Expr::Path(self.str()?.into()),
            T_VAR => Expr::Var(self.var()?),
            T_SELECT => {
                let expr = self.expr()?;
                let path = self.attr_path()?;
                let default = self.opt_expr()?;
                let span = self.span()?;
                let builtin = match self.u32()? {
                    0 => None,
                    n => Some(n - 1),
                };
                Expr::Select(Box::new(Select {
                    expr,
                    hints: crate::ast::SlotHint::for_path(path.len()),
                    path,
                    default: default.map(Box::new),
                    span,
                    builtin,
                }))
            }
            T_HAS_ATTR => {
                let expr = self.expr()?;
                let path = self.attr_path()?;
                let span = self.span()?;
                Expr::HasAttr(Box::new(HasAttr {
                    expr,
                    hints: crate::ast::SlotHint::for_path(path.len()),
                    path,
                    span,
                }))
            }
            T_APPLY => {
                let func = self.expr()?;
                let arg = self.expr()?;
                let span = self.span()?;
                Expr::Apply(Box::new(Apply { func, arg, span }))
            }
            T_LAMBDA => {
                let arg = self.opt_symbol()?;
                let formals = match self.byte()? {
                    0 => None,
                    flags if flags & 1 == 1 && flags < 8 => {
                        let n = self.len()?;
                        let mut entries = Vec::with_capacity(n);
                        for _ in 0..n {
                            let name = self.symbol()?;
                            let default = self.opt_expr()?;
                            let span = self.span()?;
                            entries.push(Formal {
                                name,
                                default,
                                span,
                                hint: SlotHint::default(),
                            });
                        }
                        Some(Formals {
                            entries: entries.into_boxed_slice(),
                            ellipsis: flags & 2 != 0,
                            at_before: flags & 4 != 0,
                        })
                    }
                    _ => return None,
                };
                let body = self.value()?;
                let frame_size = self.u32()?;
                let skip = self.u32()?;
                let name = self.opt_symbol()?;
                let span = self.span()?;
                Expr::Lambda(Box::new(Lambda {
                    arg,
                    formals,
                    body,
                    frame_size,
                    skip,
                    name,
                    span,
                }))
            }
            T_LET => {
                let slots = self.bindings()?;
                let body = self.expr()?;
                Expr::Let(Box::new(Let { slots, body }))
            }
            T_ATTRS => {
                let rec = self.bool()?;
                let frame = self.bindings()?;
                let n = self.len()?;
                let mut attrs = Vec::with_capacity(n);
                for _ in 0..n {
                    let name = self.symbol()?;
                    let value = match self.byte()? {
                        0 => AttrValue::Slot(self.u32()?),
                        flags if flags & 1 == 1 => AttrValue::Expr {
                            in_frame: flags & 2 != 0,
                            kind: *BINDING_KINDS.get((flags >> 2) as usize)?,
                            expr: self.value()?,
                        },
                        _ => return None,
                    };
                    let span = self.span()?;
                    attrs.push(AttrDef {
                        name,
                        value,
                        span,
                        pos: span.pos(),
                    });
                }
                let n = self.len()?;
                let mut dynamic = Vec::with_capacity(n);
                for _ in 0..n {
                    let name = self.expr()?;
                    let value = self.expr()?;
                    let span = self.span()?;
                    dynamic.push(DynamicAttr { name, value, span });
                }
                Expr::Attrs(Box::new(Attrs {
                    rec,
                    frame,
                    attrs: attrs.into_boxed_slice(),
                    dynamic: dynamic.into_boxed_slice(),
                    order: Default::default(),
                }))
            }
            T_LIST => Expr::List(self.exprs()?),
            T_WITH => {
                let namespace = self.expr()?;
                let body = self.expr()?;
                let span = self.span()?;
                Expr::With(Box::new(With { namespace, body, span }))
            }
            T_IF => {
                let cond = self.expr()?;
                let then = self.expr()?;
                let else_ = self.expr()?;
                let span = self.span()?;
                Expr::If(Box::new(If {
                    cond,
                    then,
                    else_,
                    span,
                }))
            }
            T_ASSERT => {
                let cond = self.expr()?;
                let body = self.expr()?;
                let span = self.span()?;
                Expr::Assert(Box::new(Assert { cond, body, span }))
            }
            T_BINOP => {
                let op_byte = self.byte()?;
                let op = *BIN_OPS.get((op_byte & OP_BITS) as usize)?;
                let lhs = self.expr()?;
                let rhs = self.expr()?;
                let span = self.span()?;
                let rhs_start = self.u32()?;
                Expr::BinOp(Box::new(BinOp {
                    op,
                    lhs,
                    rhs,
                    span,
                    rhs_start,
                    move_lhs: op_byte & MOVE_LHS_BIT != 0,
                    move_rhs: op_byte & MOVE_RHS_BIT != 0,
                }))
            }
            T_NOT => {
                let e = self.expr()?;
                Expr::Not(Box::new(e), self.span()?)
            }
            T_NEG => {
                let e = self.expr()?;
                Expr::Neg(Box::new(e), self.span()?)
            }
            T_INTERPOLATE => {
                let is_string = self.bool()?;
                let parts = self.exprs()?;
                let part_starts = (0..parts.len()).map(|_| self.u32()).collect::<Option<_>>()?;
                let span = self.span()?;
                Expr::Interpolate(Box::new(Interpolate {
                    parts,
                    part_starts,
                    is_string,
                    span,
                }))
            }
            T_CUR_POS => Expr::CurPos(self.span()?),
            _ => return None,
        })
    }

    fn var(&mut self) -> Option<Var> {
        let name = self.symbol()?;
        let kind = match self.byte()? {
            0 => VarKind::Local {
                depth: self.u32()?,
                slot: self.u32()?,
            },
            1 => VarKind::Global(self.u32()?),
            2 => {
                let n = self.len()?;
                let mut depths = Vec::with_capacity(n);
                for _ in 0..n {
                    depths.push(crate::ast::WithFrame::new(self.u32()?));
                }
                VarKind::With(depths.into_iter().collect())
            }
            _ => return None,
        };
        let span = self.span()?;
        Some(Var { name, kind, span })
    }

    fn attr_path(&mut self) -> Option<Box<[AttrName]>> {
        let n = self.len()?;
        let mut path = Vec::with_capacity(n);
        for _ in 0..n {
            path.push(match self.byte()? {
                0 => AttrName::Static(self.symbol()?),
                1 => AttrName::Dynamic(Box::new(self.expr()?)),
                _ => return None,
            });
        }
        Some(path.into_boxed_slice())
    }

    fn bindings(&mut self) -> Option<Box<[Binding]>> {
        let n = self.len()?;
        let mut bindings = Vec::with_capacity(n);
        for _ in 0..n {
            let name = self.opt_symbol()?;
            let tag = self.byte()?;
            let kind = *BINDING_KINDS.get((tag & 0x7f) as usize)?;
            let value = self.value()?;
            let span = self.span()?;
            bindings.push(Binding {
                name,
                value,
                kind,
                outer: tag & 0x80 != 0,
                span,
            });
        }
        Some(bindings.into_boxed_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{add_file, Origin};

    const PROGRAM: &str = r#"
      let
        f = { a, b ? 2, ... }@args: a + b * -3 - args.c or 1.5;
        s = rec { x = 1; y = x; inherit (builtins) map; "${"d" + "yn"}" = [ ./a/b ~/c "s${toString 1}" ]; };
        g = x: with s; assert x != null; if !(s ? x.y) then y else __curPos;
      in builtins.length [ (f { a = 1; c = 2; }) (g s) ''ind ${"e"}'' (x: x) 9223372036854775807 ]
    "#;

    fn globals() -> rustc_hash::FxHashMap<Symbol, u32> {
        [
            "builtins", "true", "false", "null", "toString", "__length", "map", "__sub", "__mul",
        ]
        .iter()
        .enumerate()
        .map(|(i, n)| (Symbol::intern(n), i as u32))
        .collect()
    }

    fn sample() -> (FileId, Expr, Vec<u8>) {
        let file = add_file(Origin::String, "/base".into(), PROGRAM);
        let parsed = crate::parse(PROGRAM);
        assert!(parsed.errors().is_empty());
        let expr = crate::lower(file, "/base".into(), &parsed.tree(), &globals()).expect("lowers");
        let mut bytes = Vec::new();
        encode(&expr, &[], &mut bytes).expect("shallow");
        (file, expr, bytes)
    }

    #[test]
    fn round_trip() {
        let (file, expr, bytes) = sample();
        let back = decode(&bytes, file).expect("decodes");
        assert_eq!(format!("{back:?}"), format!("{expr:?}"));
        // Symbols are indices into the table written before the tree.
        assert!(bytes.len() < PROGRAM.len() * 2);
    }

    /// A small xorshift generator: reproducible without a dependency.
    fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    /// A file encoded past [`LAZY_FILE_MIN`]: a `rec` set of calls, `//`s and `let`s.
    fn large_sample() -> (FileId, Expr, Vec<u8>) {
        let mut text = String::from("let f = x: { inherit x; }; in rec {\n");
        for i in 0..300 {
            text += &format!(
                "  a{i} = f {{ n = {i}; s = \"v{i}\"; l = [ {i} a0.x.n ]; }} // {{ k = let y = {i}; in [ y y ]; }};\n"
            );
        }
        text += "  g = x: if x == 0 then { r = [ x x x x x x x x x ]; } else { r = x; };\n}\n";
        let file = add_file(Origin::String, "/base".into(), &text);
        let parsed = crate::parse(&text);
        assert!(parsed.errors().is_empty());
        let expr = crate::lower(file, "/base".into(), &parsed.tree(), &globals()).expect("lowers");
        let mut bytes = Vec::new();
        encode(&expr, &[], &mut bytes).expect("shallow");
        assert!(bytes.len() >= LAZY_FILE_MIN, "{} bytes", bytes.len());
        (file, expr, bytes)
    }

    /// `bytes` at an offset in a file, as an entry in a parse-cache pack: the file (its
    /// name already removed) and the offset.
    fn in_pack(bytes: &[u8]) -> (Arc<std::fs::File>, u64) {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("rnix-ast-codec-{}-{n}.pack", std::process::id()));
        let mut contents = vec![7u8; 1000];
        contents.extend_from_slice(bytes);
        std::fs::write(&path, &contents).expect("writes");
        let pack = Arc::new(std::fs::File::open(&path).expect("opens"));
        std::fs::remove_file(&path).expect("removes");
        (pack, 1000)
    }

    /// Decoded lazily with `bytes` in a pack.
    fn deferred(bytes: &[u8], file: FileId) -> Option<Expr> {
        let (pack, offset) = in_pack(bytes);
        decode_deferred(bytes, 0, file, pack, offset)
    }

    #[test]
    fn large_files_leave_subtrees_for_later_and_decode_them_the_same() {
        let (file, expr, bytes) = large_sample();
        let lazy = deferred(&bytes, file).expect("decodes");
        let Expr::Let(l) = &lazy else { panic!("a let") };
        let Expr::Attrs(set) = &l.body else { panic!("a set") };
        let deferred_values = |set: &Attrs| set.frame.iter().filter(|b| matches!(b.value, Expr::Lazy(_))).count();
        // Every `a<i>` (a `//`) waits; `g` is a function, decoded with its header.
        assert_eq!(deferred_values(set), 300);
        assert!(matches!(&set.frame[300].value, Expr::Lambda(g) if matches!(g.body, Expr::Lazy(_))));
        // The eager decoder gives the lowerer's tree; encoding the lazy one forces every
        // part (nested ones too: the function bodies), read again from the pack, and
        // writes the same bytes, which decode to the lowerer's tree.
        assert_eq!(
            format!("{:?}", decode(&bytes, file).expect("decodes")),
            format!("{expr:?}")
        );
        let mut again = Vec::new();
        encode(&lazy, &[], &mut again).expect("shallow");
        assert_eq!(again, bytes);
        assert_eq!(
            format!("{:?}", decode(&again, file).expect("decodes")),
            format!("{expr:?}")
        );
        // A small file is decoded at once.
        let (file, _, small) = sample();
        assert!(!format!("{:?}", deferred(&small, file)).contains("Lazy"));
    }

    #[test]
    fn corrupt_lazy_subtrees_are_none_not_panics() {
        let (file, _, bytes) = large_sample();
        let mut next = xorshift(0x2545_F491_4F6C_DD1D);
        let mut corrupt_found = 0;
        for _ in 0..300 {
            let mut corrupt = bytes.clone();
            // Past the symbol table, where the deferred subtrees are.
            let at = bytes.len() / 4 + (next() % (bytes.len() as u64 * 3 / 4)) as usize;
            corrupt[at] = next() as u8;
            if let Some(tree) = deferred(&corrupt, file) {
                // Forcing every subtree (`Debug`) reports the bad ones and never panics.
                corrupt_found += format!("{tree:?}").matches("<corrupt lazy subtree>").count();
            }
        }
        assert!(corrupt_found > 0);
    }

    #[test]
    fn truncations_and_trailing_bytes_are_rejected() {
        let (file, _, bytes) = sample();
        for end in 0..bytes.len() {
            assert!(decode(&bytes[..end], file).is_none(), "prefix of {end} bytes decoded");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer, file).is_none());
    }

    #[test]
    fn corrupted_bytes_never_panic() {
        let (file, _, bytes) = sample();
        let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let mut corrupt = bytes.clone();
            for _ in 0..1 + next() % 4 {
                let at = (next() % corrupt.len() as u64) as usize;
                corrupt[at] = next() as u8;
            }
            let _ = decode(&corrupt, file);
        }
        for at in 0..bytes.len() {
            for value in [0x00, 0x01, 0x7f, 0x80, 0xff] {
                let mut corrupt = bytes.clone();
                corrupt[at] = value;
                let _ = decode(&corrupt, file);
            }
        }
    }

    #[test]
    fn huge_counts_are_rejected_without_allocating() {
        let file = add_file(Origin::String, "/".into(), "");
        // A list claiming u64::MAX / 2^35 elements, and one claiming more than the input.
        // Each encoding starts with its symbol table's length: 0 here.
        let mut bytes = vec![0, T_LIST];
        bytes.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
        assert!(decode(&bytes, file).is_none());
        assert!(decode(&[0, T_LIST, 5, T_INT, 0], file).is_none());
        assert!(decode(&[0, T_LIST, 1, T_INT, 0], file).is_some());
        // A symbol table claiming more entries than there are bytes.
        assert!(decode(&[0xff, 0xff, 0x03, T_INT, 0], file).is_none());
        // Nested lists each claiming all the remaining bytes.
        let mut nested = vec![0];
        for _ in 0..1000 {
            nested.extend_from_slice(&[T_LIST, 0x80, 0x80, 0x01]);
        }
        nested.resize(nested.len() + 20_000, 0);
        assert!(decode(&nested, file).is_none());
        // Varints longer than 64 bits.
        assert!(decode(
            &[0, T_INT, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f],
            file
        )
        .is_none());
    }

    /// The codec recurses once per level; debug builds' frames are large.
    fn on_big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap()
    }

    #[test]
    fn deep_nesting_is_rejected_not_overflowing() {
        let file = add_file(Origin::String, "/".into(), "");
        // `!!!...!0` a million levels deep (each `Not` is the tag, the inner expression
        // and a span), and a million nested one-element lists.
        let levels = 1_000_000;
        let (a, b) = on_big_stack(move || {
            let mut not_bomb = vec![0];
            not_bomb.resize(1 + levels, T_NOT);
            not_bomb.extend_from_slice(&[T_INT, 0]);
            not_bomb.resize(not_bomb.len() + 2 * levels, 0);
            let mut list_bomb = vec![0];
            for _ in 0..levels {
                list_bomb.extend_from_slice(&[T_LIST, 1]);
            }
            list_bomb.extend_from_slice(&[T_INT, 0]);
            (decode(&not_bomb, file).is_none(), decode(&list_bomb, file).is_none())
        });
        assert!(a && b);
        // Just within the limit decodes (on a stack like the evaluator's).
        let depth = MAX_DEPTH as usize - 1;
        let ok = on_big_stack(move || {
            let mut bytes = vec![0];
            for _ in 0..depth {
                bytes.extend_from_slice(&[T_LIST, 1]);
            }
            bytes.extend_from_slice(&[T_INT, 0]);
            let expr = decode(&bytes, file);
            let mut again = Vec::new();
            let encoded = expr.as_ref().map(|e| encode(e, &[], &mut again).is_some());
            // Dropping a deep tree recurses too: do it on this big stack.
            drop(expr);
            (encoded, again == bytes)
        });
        assert_eq!(ok, (Some(true), true));
    }
}
