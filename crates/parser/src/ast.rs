//! The lowered AST: what the evaluator walks.
//!
//! Unlike the lossless rowan tree it is made for speed: parentheses are gone, strings are
//! unescaped, attribute paths are merged, and every statically bound variable is resolved
//! to a `(depth, slot)` pair in the chain of runtime frames. A frame is created by `let`,
//! `rec { }`, a lambda call, `with`, and by a non-rec set that has `inherit (e)` (to share
//! `e`). Names are kept next to slots for `--parse` and for error messages.

use crate::source::Span;
use crate::symbol::Symbol;

/// 32 bytes (asserted below): nodes that hold expressions hold them inline, so this
/// size is paid by every node of the 50 MB of syntax trees a NixOS system loads.
#[derive(Debug)]
pub enum Expr {
    Int(i64),
    Float(f64),
    /// A string without interpolation (also URIs).
    Str(Box<str>),
    /// A path literal, already made absolute and normalised.
    Path(Box<str>),
    Var(Var),
    Select(Box<Select>),
    HasAttr(Box<HasAttr>),
    Apply(Box<Apply>),
    Lambda(Box<Lambda>),
    Let(Box<Let>),
    Attrs(Box<Attrs>),
    List(Box<[Expr]>),
    With(Box<With>),
    If(Box<If>),
    Assert(Box<Assert>),
    BinOp(Box<BinOp>),
    Not(Box<Expr>, Span),
    /// Unary minus: Nix evaluates `-e` as `0 - e` (`__sub 0 e`).
    Neg(Box<Expr>, Span),
    /// String interpolation / concatenation of parts. If the first part is a path the
    /// result is a path (`./a/${x}`), otherwise a string.
    Interpolate(Box<Interpolate>),
    CurPos(Span),
    /// A subtree of a cached file, decoded when first evaluated ([`crate::ast_codec`]):
    /// most of a large package set's attributes are never read.
    Lazy(Box<crate::ast_codec::LazyExpr>),
}

const _: () = assert!(std::mem::size_of::<Expr>() == 32);
const _: () = assert!(std::mem::size_of::<AttrName>() == 16);

#[derive(Debug, Clone)]
pub struct Var {
    pub name: Symbol,
    pub kind: VarKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum VarKind {
    /// `depth` frames up the chain, slot `slot`.
    Local { depth: u32, slot: u32 },
    /// A name of the global scope (`builtins`, `true`, `map`, ...).
    Global(u32),
    /// Not bound lexically: looked up in the enclosing `with` frames, innermost first.
    /// A thin vector (one word, its length in the block): with it a variable is 32 bytes
    /// and so is every [`Expr`] (40 with a boxed slice; see [`Expr`]).
    With(thin_vec::ThinVec<WithFrame>),
}

#[derive(Debug)]
pub enum AttrName {
    Static(Symbol),
    /// `${e}` or `"..${e}.."`: evaluated to a string at runtime. Boxed: most names are
    /// static, and a name is 16 bytes instead of 40.
    Dynamic(Box<Expr>),
}

#[derive(Debug)]
pub struct Select {
    pub expr: Expr,
    pub path: Box<[AttrName]>,
    /// `or e`: rare, so boxed (a selection is 32 bytes smaller without it inline).
    pub default: Option<Box<Expr>>,
    pub span: Span,
    /// `builtins.NAME` with the global `builtins`: the global slot of `__NAME`, which is
    /// the same value, read without a search of the `builtins` set.
    pub builtin: Option<u32>,
    /// One per element of `path`: where its attribute was found last time.
    pub hints: Box<[SlotHint]>,
}

/// One `with` frame a variable is looked up in.
#[derive(Debug, Clone)]
pub struct WithFrame {
    /// Its depth from the variable's frame.
    pub depth: u32,
    /// Where the name was found in (or was missing from) its namespace last time.
    pub hint: SlotHint,
}

impl WithFrame {
    pub fn new(depth: u32) -> WithFrame {
        WithFrame {
            depth,
            hint: SlotHint::default(),
        }
    }
}

/// The index at which a select found its attribute the last time: the same site mostly
/// reads the same set, or sets of one shape (`cfg.enable`), so checking that index first
/// skips the binary search, whose dependent loads missed the cache in large sets (`pkgs`,
/// `config`, `lib`): 60% of `eval_select`'s samples on a NixOS system. Only a hint: the
/// name at the index is compared before it is used, so any value is safe. Atomic (relaxed:
/// a plain load and store) only so that syntax trees stay shareable between threads.
#[derive(Default)]
pub struct SlotHint(std::sync::atomic::AtomicU32);

impl SlotHint {
    /// Hints for a path of `len` elements.
    pub fn for_path(len: usize) -> Box<[SlotHint]> {
        (0..len).map(|_| SlotHint::default()).collect()
    }

    #[inline(always)]
    pub fn get(&self) -> usize {
        self.0.load(std::sync::atomic::Ordering::Relaxed) as usize
    }

    #[inline(always)]
    pub fn set(&self, index: usize) {
        self.0.store(index as u32, std::sync::atomic::Ordering::Relaxed)
    }
}

impl Clone for SlotHint {
    fn clone(&self) -> SlotHint {
        SlotHint(std::sync::atomic::AtomicU32::new(self.get() as u32))
    }
}

impl std::fmt::Debug for SlotHint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SlotHint({})", self.get())
    }
}

#[derive(Debug)]
pub struct HasAttr {
    pub expr: Expr,
    pub path: Box<[AttrName]>,
    pub span: Span,
    /// As [`Select::hints`].
    pub hints: Box<[SlotHint]>,
}

#[derive(Debug)]
pub struct Apply {
    pub func: Expr,
    pub arg: Expr,
    pub span: Span,
}

#[derive(Debug)]
pub struct Lambda {
    /// For `x: ...` the argument name; for a pattern its `@` name (if any).
    pub arg: Option<Symbol>,
    pub formals: Option<Formals>,
    pub body: Expr,
    /// Number of slots of the frame a call creates.
    pub frame_size: u32,
    /// Innermost `let`/`rec` frames around the function that it never names: the closure
    /// holds the frame above them (`env.up(skip)`), and the body was lowered without
    /// them. A `let`-bound function that uses none of the `let`'s names is then no cycle
    /// through its own frame, which reference counting could never free.
    pub skip: u32,
    /// The attribute or `let` name it was bound to, for error messages.
    pub name: Option<Symbol>,
    pub span: Span,
}

#[derive(Debug)]
pub struct Formals {
    /// In slot order: formal `i` lives in slot `i`; the `@` binding (if any) comes last.
    pub entries: Box<[Formal]>,
    pub ellipsis: bool,
    /// Where `@name` was written before the braces (`a@{ }`), for `--parse`.
    pub at_before: bool,
}

#[derive(Debug)]
pub struct Formal {
    pub name: Symbol,
    pub default: Option<Expr>,
    pub span: Span,
    /// Where the name was found in the last argument set (callers pass sets of the same
    /// shape: module arguments, `callPackage`'s).
    pub hint: SlotHint,
}

/// `let` bindings: every slot expression is evaluated lazily in the new frame.
#[derive(Debug)]
pub struct Let {
    pub slots: Box<[Binding]>,
    pub body: Expr,
}

#[derive(Debug)]
pub struct Binding {
    /// The bound name; `None` for hidden slots holding `inherit (e)` sources.
    pub name: Option<Symbol>,
    pub value: Expr,
    pub kind: BindingKind,
    /// The value spells none of the frame's names and was lowered without the frame: its
    /// thunk holds the frame above, so a binding nobody reads is no cycle through the
    /// frame (as [`Lambda::skip`] for functions).
    pub outer: bool,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindingKind {
    Plain,
    /// `inherit x;` (value resolved in the enclosing scope).
    Inherit,
    /// `inherit (e) x;` (value selects from a hidden slot).
    InheritFrom,
    /// A hidden slot: the source expression of `inherit (e)`.
    InheritSource,
}

#[derive(Debug)]
pub struct Attrs {
    pub rec: bool,
    /// Frame slots. For `rec` sets: one per static attribute, in `attrs` order, followed
    /// by hidden `inherit (e)` sources. For other sets: only the hidden sources (none
    /// means no frame is created).
    pub frame: Box<[Binding]>,
    pub attrs: Box<[AttrDef]>,
    pub dynamic: Box<[DynamicAttr]>,
    /// The order of `attrs` by name, found when the set is first made.
    pub order: AttrOrder,
}

/// The indexes of a set literal's static attributes in name order, so that each time the
/// set is made its entries go into its block in order and are not sorted again (0.8% of
/// the minimal NixOS system's instructions sorted the same literals over and over). Found
/// at the first evaluation, not when lowering: symbols are interned per process, and the
/// parse cache's entries are decoded with new ones.
#[derive(Debug, Default)]
pub struct AttrOrder(std::sync::OnceLock<Box<[u32]>>);

impl AttrOrder {
    /// `attrs` (this literal's) in name order.
    #[inline]
    pub fn in_order<'a>(&'a self, attrs: &'a [AttrDef]) -> impl ExactSizeIterator<Item = &'a AttrDef> + 'a {
        let order = self.of(attrs);
        (0..attrs.len()).map(move |k| &attrs[order.map_or(k, |o| o[k] as usize)])
    }

    /// The indexes of `attrs` in name order; `None` when they are in that order already.
    #[inline]
    fn of(&self, attrs: &[AttrDef]) -> Option<&[u32]> {
        let order = self.0.get_or_init(|| {
            if attrs.windows(2).all(|w| w[0].name < w[1].name) {
                return Box::default();
            }
            let mut order: Vec<u32> = (0..attrs.len() as u32).collect();
            order.sort_unstable_by_key(|&i| attrs[i as usize].name);
            order.into_boxed_slice()
        });
        (!order.is_empty()).then_some(&**order)
    }
}

#[derive(Debug)]
pub struct AttrDef {
    pub name: Symbol,
    pub value: AttrValue,
    pub span: Span,
    /// `span`'s start as the attribute's position, computed once here rather than each
    /// time the set is made.
    pub pos: Option<crate::source::Pos>,
}

#[derive(Debug)]
pub enum AttrValue {
    /// The value is the thunk in frame slot `n` (rec sets).
    Slot(u32),
    /// Evaluated lazily in the set's own frame (`in_frame`) or the enclosing env.
    Expr {
        expr: Expr,
        in_frame: bool,
        kind: BindingKind,
    },
}

#[derive(Debug)]
pub struct DynamicAttr {
    pub name: Expr,
    pub value: Expr,
    pub span: Span,
}

#[derive(Debug)]
pub struct With {
    pub namespace: Expr,
    pub body: Expr,
    pub span: Span,
}

#[derive(Debug)]
pub struct If {
    pub cond: Expr,
    pub then: Expr,
    pub else_: Expr,
    pub span: Span,
}

#[derive(Debug)]
pub struct Assert {
    pub cond: Expr,
    pub body: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOpKind {
    Add,
    Sub,
    Mul,
    Div,
    Concat,
    Update,
    Eq,
    NotEq,
    Less,
    LessEq,
    Greater,
    GreaterEq,
    And,
    Or,
    Implication,
}

#[derive(Debug)]
pub struct BinOp {
    pub op: BinOpKind,
    pub lhs: Expr,
    pub rhs: Expr,
    pub span: Span,
    /// Where `rhs` starts: an error about the right operand (`1 + "a"`) is reported
    /// there, as Nix does; literals carry no span of their own.
    pub rhs_start: u32,
    /// For `x ++ e` and `x // e`: `x` is a lambda parameter read nowhere after this
    /// (`moves.rs`), so the evaluator may move its list or set out of the frame instead
    /// of copying it.
    pub move_lhs: bool,
    /// For `e ++ x`: `x` is a lambda parameter read nowhere else (`moves.rs`), so the
    /// evaluator may move its list out of the frame and prepend to it instead of copying
    /// it (`foldl' (acc: x: [ x ] ++ acc)`).
    pub move_rhs: bool,
}

#[derive(Debug)]
pub struct Interpolate {
    pub parts: Box<[Expr]>,
    /// Where each part starts: an interpolation at its `${`, where Nix reports a part
    /// that cannot be coerced to a string (`ExprConcatStrings`' element positions).
    pub part_starts: Box<[u32]>,
    /// True for indented strings and strings (`"..."`): Nix's `forceString` semantics;
    /// false for paths with interpolation.
    pub is_string: bool,
    pub span: Span,
}

impl BinOp {
    /// The spans of the operands (the left one runs from the start to the right one).
    pub fn operand_spans(&self) -> (Span, Span) {
        let rhs_start = self.rhs_start.clamp(self.span.start, self.span.end);
        (
            Span {
                end: rhs_start,
                ..self.span
            },
            Span {
                start: rhs_start,
                ..self.span
            },
        )
    }
}

impl Expr {
    /// The span used when an error is reported "at" this expression.
    pub fn span(&self) -> Option<Span> {
        Some(match self {
            Expr::Var(v) => v.span,
            Expr::Select(s) => s.span,
            Expr::HasAttr(h) => h.span,
            Expr::Apply(a) => a.span,
            Expr::Lambda(l) => l.span,
            Expr::With(w) => w.span,
            Expr::If(i) => i.span,
            Expr::Assert(a) => a.span,
            Expr::BinOp(b) => b.span,
            Expr::Not(_, s) | Expr::Neg(_, s) | Expr::CurPos(s) => *s,
            Expr::Interpolate(i) => i.span,
            Expr::Lazy(l) => return l.get()?.span(),
            _ => return None,
        })
    }
}
