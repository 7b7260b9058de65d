//! Lowering: rnix's lossless tree -> the evaluator's [`ast::Expr`].
//!
//! Three jobs happen in one walk: syntax sugar is removed (parentheses, `let { }`,
//! `<path>`, operators Nix defines through `__sub`/`__mul`/...), attribute paths are
//! merged into nested sets as Nix's `addAttr` does, and variables are resolved against
//! the static scope chain. Nix reports an undefined variable at this point, before any
//! evaluation, unless a `with` encloses it.

use crate::ast::{self, AttrName, AttrValue, BinOpKind, Binding, BindingKind, Expr, Var, VarKind};
use crate::attrs::{Collected, Entry, Pending};
use crate::error::ParseError;
use crate::paths;
use crate::show::identifier;
use crate::source::{FileId, Span};
use crate::strings;
use crate::symbol::Symbol;
use rnix::ast::{self as rast, AstToken, HasEntry};
use rowan::ast::AstNode;
use rustc_hash::FxHashMap;

/// Names of the global scope, each with its slot in the evaluator's global table.
pub trait Globals {
    fn lookup(&self, name: Symbol) -> Option<u32>;

    /// A hash of every name with its slot: lowering's result depends on nothing else
    /// of the globals (`builtins.NAME` resolves through `lookup("__NAME")`), so it keys
    /// the parse cache. Equal tables must give equal fingerprints.
    fn fingerprint(&self) -> [u8; 32];
}

/// Hash the names in slot order (ties, which a table should not have, by name).
fn fingerprint_of<'a>(names: impl Iterator<Item = (&'a Symbol, &'a u32)>) -> [u8; 32] {
    let mut entries: Vec<(u32, &str)> = names.map(|(sym, slot)| (*slot, sym.as_str())).collect();
    entries.sort_unstable();
    let mut h = blake3::Hasher::new();
    for (slot, name) in entries {
        h.update(&slot.to_le_bytes());
        h.update(&(name.len() as u64).to_le_bytes());
        h.update(name.as_bytes());
    }
    *h.finalize().as_bytes()
}

impl Globals for FxHashMap<Symbol, u32> {
    fn lookup(&self, name: Symbol) -> Option<u32> {
        self.get(&name).copied()
    }

    fn fingerprint(&self) -> [u8; 32] {
        fingerprint_of(self.iter())
    }
}

/// The evaluator's table of global names, with its fingerprint computed once (and again
/// only after a change).
#[derive(Default)]
pub struct GlobalNames {
    names: FxHashMap<Symbol, u32>,
    fingerprint: std::cell::Cell<Option<[u8; 32]>>,
}

impl GlobalNames {
    pub fn get(&self, name: &Symbol) -> Option<&u32> {
        self.names.get(name)
    }

    pub fn insert(&mut self, name: Symbol, slot: u32) -> Option<u32> {
        self.fingerprint.set(None);
        self.names.insert(name, slot)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Symbol, &u32)> {
        self.names.iter()
    }
}

impl Globals for GlobalNames {
    fn lookup(&self, name: Symbol) -> Option<u32> {
        self.names.get(&name).copied()
    }

    fn fingerprint(&self) -> [u8; 32] {
        if let Some(fp) = self.fingerprint.get() {
            return fp;
        }
        let fp = fingerprint_of(self.names.iter());
        self.fingerprint.set(Some(fp));
        fp
    }
}

impl Scope {
    fn bindings(names: FxHashMap<Symbol, u32>) -> Scope {
        let text = names.keys().map(|n| n.as_str()).collect();
        Scope::Bindings(names, text)
    }
}

enum Scope {
    /// A frame with named slots (hidden slots have no name).
    Frame(FxHashMap<Symbol, u32>),
    /// The frame of a `let` or `rec` set, with its names as text: a function inside that
    /// never names its bindings skips it ([`ast::Lambda::skip`]).
    Bindings(FxHashMap<Symbol, u32>, rustc_hash::FxHashSet<&'static str>),
    With,
}

/// Functions longer than this are not searched for the names of the frames around them
/// (a lowering cost in each nested function's length): they keep every frame.
const SKIP_SCAN_LIMIT: usize = 64 * 1024;

pub struct Lowerer<'g> {
    pub(crate) file: FileId,
    pub(crate) base_dir: String,
    pub(crate) home: Option<String>,
    globals: &'g dyn Globals,
    scopes: Vec<Scope>,
    /// The first undefined variable, reported once the whole tree is lowered: Nix binds
    /// variables after parsing, so an error of the parse itself (an attribute defined
    /// twice, an integer too large) anywhere in the file is reported first.
    undefined: Option<ParseError>,
    /// The end of the binding being collected: where Nix's parser reduces it, and so
    /// raises what `addAttr` finds wrong with it ([`ParseError::reduced_at`]).
    binding_end: u32,
    /// Bindings that end past this offset are not collected: in a text with syntax
    /// errors, `error_order` checks only the bindings before the first one (Nix's parser
    /// never reduces the rest, and rnix's nodes around an error are not well formed).
    collect_until: u32,
}

pub(crate) type LResult<T> = Result<T, ParseError>;

impl<'g> Lowerer<'g> {
    pub fn new(file: FileId, base_dir: String, globals: &'g dyn Globals) -> Self {
        Lowerer {
            file,
            base_dir,
            home: std::env::var("HOME").ok(),
            globals,
            scopes: Vec::new(),
            undefined: None,
            binding_end: 0,
            collect_until: u32::MAX,
        }
    }

    /// Start with an outermost frame binding `names` to slots `0..n`: the scope of
    /// `scopedImport`, which sits between the file and the global scope.
    pub fn with_outer_frame(mut self, names: &[Symbol]) -> Self {
        if !names.is_empty() {
            let frame = names.iter().enumerate().map(|(i, n)| (*n, i as u32)).collect();
            self.scopes.push(Scope::Frame(frame));
        }
        self
    }

    pub(crate) fn span(&self, node: &impl AstNode<Language = rnix::NixLanguage>) -> Span {
        Span::new(self.file, node.syntax().text_range())
    }

    pub(crate) fn err(&self, span: Span, msg: impl Into<String>) -> ParseError {
        ParseError::new(msg.into(), span)
    }

    /// An error of Nix's parser actions, raised when the rule ending at `reduced_at` is
    /// reduced.
    fn action_err(&self, span: Span, msg: impl Into<String>, reduced_at: u32) -> ParseError {
        ParseError {
            reduced_at: Some(reduced_at),
            ..self.err(span, msg)
        }
    }

    /// [`Lowerer::action_err`] of the binding being collected.
    fn binding_err(&self, span: Span, msg: impl Into<String>) -> ParseError {
        self.action_err(span, msg, self.binding_end)
    }

    fn missing(&self, node: &impl AstNode<Language = rnix::NixLanguage>) -> ParseError {
        self.err(self.span(node), "syntax error, incomplete expression")
    }

    // ---------------------------------------------------------------- scopes

    fn resolve(&mut self, name: Symbol, span: Span) -> LResult<Var> {
        self.resolve_skipping(name, span, 0)
    }

    /// Resolve `name`, ignoring the innermost `skip` scopes (which still count for depth).
    /// `inherit x;` inside `let`/`rec` looks past its own frame this way.
    fn resolve_skipping(&mut self, name: Symbol, span: Span, skip: usize) -> LResult<Var> {
        let mut withs = Vec::new();
        for (depth, scope) in self.scopes.iter().rev().enumerate() {
            match scope {
                Scope::Frame(names) | Scope::Bindings(names, _) if depth >= skip => {
                    if let Some(&slot) = names.get(&name) {
                        let kind = VarKind::Local {
                            depth: depth as u32,
                            slot,
                        };
                        return Ok(Var { name, kind, span });
                    }
                }
                Scope::With if depth >= skip => withs.push(depth as u32),
                _ => {}
            }
        }
        if let Some(slot) = self.globals.lookup(name) {
            return Ok(Var {
                name,
                kind: VarKind::Global(slot),
                span,
            });
        }
        if withs.is_empty() {
            if self.undefined.is_none() {
                self.undefined = Some(self.err(span, format!("undefined variable '{name}'")));
            }
            // Never evaluated: `lower_root` reports the variable instead of the tree.
            let kind = VarKind::Global(0);
            return Ok(Var { name, kind, span });
        }
        Ok(Var {
            name,
            kind: VarKind::With(withs.into_iter().map(ast::WithFrame::new).collect()),
            span,
        })
    }

    fn with_scope<T>(&mut self, scope: Scope, f: impl FnOnce(&mut Self) -> LResult<T>) -> LResult<T> {
        self.scopes.push(scope);
        let result = f(self);
        self.scopes.pop();
        result
    }

    // ---------------------------------------------------------------- expressions

    pub fn lower_root(&mut self, root: &rast::Root) -> LResult<Expr> {
        let expr = match root.expr() {
            Some(e) => self.lower(&e)?,
            None => {
                return Err(ParseError::new(
                    "syntax error, unexpected end of file".into(),
                    Span::new(self.file, root.syntax().text_range()),
                ))
            }
        };
        match self.undefined.take() {
            Some(e) => Err(e),
            None => Ok(expr),
        }
    }

    pub(crate) fn lower_opt(
        &mut self,
        e: Option<rast::Expr>,
        parent: &impl AstNode<Language = rnix::NixLanguage>,
    ) -> LResult<Expr> {
        match e {
            Some(e) => self.lower(&e),
            None => Err(self.missing(parent)),
        }
    }

    /// Lower `e`. Left-associative chains (`f a b ...`, `a + b + ...`) are as deep as they
    /// are long, with no parser limit: a million operands recurse a million times, on
    /// `stacker` segments when the thread's stack runs low.
    pub fn lower(&mut self, e: &rast::Expr) -> LResult<Expr> {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.lower_node(e))
    }

    fn lower_node(&mut self, e: &rast::Expr) -> LResult<Expr> {
        let span = self.span(e);
        Ok(match e {
            rast::Expr::Paren(p) => return self.lower_opt(p.expr(), p),
            rast::Expr::Root(r) => return self.lower_opt(r.expr(), r),
            rast::Expr::Error(_) => return Err(self.err(span, "syntax error")),
            rast::Expr::Literal(l) => self.lower_literal(l, span)?,
            rast::Expr::Ident(id) => {
                let name = ident_name(id).ok_or_else(|| self.missing(id))?;
                Expr::Var(self.resolve(Symbol::intern(&name), span)?)
            }
            rast::Expr::Str(s) => strings::lower_str(self, s)?,
            rast::Expr::PathAbs(_) | rast::Expr::PathRel(_) | rast::Expr::PathHome(_) => {
                let path = rast::Path::cast(e.syntax().clone()).ok_or_else(|| self.missing(e))?;
                paths::lower_path(self, &path, span)?
            }
            rast::Expr::PathSearch(p) => {
                let text = p.content().map(|c| c.text().to_string()).unwrap_or_default();
                let inner = text.trim_start_matches('<').trim_end_matches('>').to_string();
                self.lower_search_path(inner, span)?
            }
            rast::Expr::Select(s) => {
                let expr = self.lower_opt(s.expr(), s)?;
                let path = self.lower_attrpath(s.attrpath(), s)?;
                let default = match s.default_expr() {
                    Some(d) => Some(self.lower(&d)?),
                    None => None,
                };
                let builtin = match (&expr, &path[..]) {
                    (
                        Expr::Var(Var {
                            name,
                            kind: VarKind::Global(_),
                            ..
                        }),
                        [AttrName::Static(attr)],
                    ) if name.as_str() == "builtins" => self.globals.lookup(Symbol::intern(&format!("__{attr}"))),
                    _ => None,
                };
                Expr::Select(Box::new(ast::Select {
                    expr,
                    hints: ast::SlotHint::for_path(path.len()),
                    path,
                    default: default.map(Box::new),
                    span,
                    builtin,
                }))
            }
            rast::Expr::HasAttr(h) => {
                let expr = self.lower_opt(h.expr(), h)?;
                let path = self.lower_attrpath(h.attrpath(), h)?;
                Expr::HasAttr(Box::new(ast::HasAttr {
                    expr,
                    hints: ast::SlotHint::for_path(path.len()),
                    path,
                    span,
                }))
            }
            rast::Expr::Apply(_) => return self.lower_chain(e),
            rast::Expr::Lambda(l) => self.lower_lambda(l, span)?,
            rast::Expr::LetIn(l) => {
                let mut collected = Collected::new(false);
                self.collect_entries(&mut collected, l, true)?;
                let body = l.body();
                self.lower_let(collected, |this| this.lower_opt(body, l))?
            }
            rast::Expr::LegacyLet(l) => {
                // `let { a = 1; body = a; }` is `(rec { a = 1; body = a; }).body`.
                let mut collected = Collected::new(true);
                self.collect_entries(&mut collected, l, false)?;
                let set = self.lower_collected(collected)?;
                Expr::Select(Box::new(ast::Select {
                    expr: set,
                    path: Box::new([AttrName::Static(Symbol::intern("body"))]),
                    hints: ast::SlotHint::for_path(1),
                    default: None,
                    span,
                    builtin: None,
                }))
            }
            rast::Expr::AttrSet(a) => {
                let mut collected = Collected::new(a.rec_token().is_some());
                self.collect_entries(&mut collected, a, false)?;
                self.lower_collected(collected)?
            }
            rast::Expr::List(l) => {
                let items = l.items().map(|i| self.lower(&i)).collect::<LResult<Vec<_>>>()?;
                Expr::List(items.into_boxed_slice())
            }
            rast::Expr::With(w) => {
                let namespace = self.lower_opt(w.namespace(), w)?;
                let body = w.body();
                let body = self.with_scope(Scope::With, |this| this.lower_opt(body, w))?;
                Expr::With(Box::new(ast::With { namespace, body, span }))
            }
            rast::Expr::IfElse(i) => Expr::If(Box::new(ast::If {
                cond: self.lower_opt(i.condition(), i)?,
                then: self.lower_opt(i.body(), i)?,
                else_: self.lower_opt(i.else_body(), i)?,
                span,
            })),
            rast::Expr::Assert(a) => Expr::Assert(Box::new(ast::Assert {
                cond: self.lower_opt(a.condition(), a)?,
                body: self.lower_opt(a.body(), a)?,
                span,
            })),
            rast::Expr::UnaryOp(u) => {
                let inner = self.lower_opt(u.expr(), u)?;
                match u.operator() {
                    Some(rast::UnaryOpKind::Invert) => Expr::Not(Box::new(inner), span),
                    Some(rast::UnaryOpKind::Negate) => {
                        // Nix's parser makes `-e` the call `__sub 0 e`: a local binding of
                        // `__sub` takes it over, as for `a - b`.
                        let var = self.resolve(Symbol::intern("__sub"), span)?;
                        if matches!(var.kind, VarKind::Global(_)) {
                            Expr::Neg(Box::new(inner), span)
                        } else {
                            desugar_operator(BinOpKind::Sub, var, Expr::Int(0), inner, span)
                        }
                    }
                    None => return Err(self.missing(u)),
                }
            }
            rast::Expr::BinOp(_) => return self.lower_chain(e),
            rast::Expr::CurPos(_) => Expr::CurPos(span),
        })
    }

    /// A left-associative chain (`f a b c`, `a + b - c`: each link's left operand is the
    /// next link) lowered in a loop: the leftmost operand first, then each link's right
    /// operand, outwards. This is the order recursion took, so the same variable is
    /// reported undefined first, but the chain's length no longer costs a native frame a
    /// link: `lower_node`'s frame is 1.8 KB, so a generated 100,000-term `x + x + ...`
    /// touched 200 MB of stack and took 4x Nix's time to parse.
    fn lower_chain(&mut self, top: &rast::Expr) -> LResult<Expr> {
        let mut links = Vec::new();
        let mut leftmost = top.clone();
        while let Some(left) = chain_left(&leftmost) {
            links.push(leftmost);
            leftmost = left;
        }
        let mut lowered = match (&leftmost, links.is_empty()) {
            // Not a link itself: an operator read right to left (`>`, `<=`), or a node
            // missing its operator or left operand.
            (rast::Expr::BinOp(b), true) => {
                let span = self.span(&leftmost);
                return self.lower_binop(b, span);
            }
            (rast::Expr::Apply(a), true) => return Err(self.missing(a)),
            _ => self.lower(&leftmost)?,
        };
        for link in links.iter().rev() {
            let span = self.span(link);
            lowered = match link {
                rast::Expr::Apply(a) => self.finish_apply(a, lowered, span)?,
                rast::Expr::BinOp(b) => self.finish_binop(b, lowered, span)?,
                _ => unreachable!("chain_left follows applications and operators only"),
            };
        }
        Ok(lowered)
    }

    /// `func arg`, the function lowered already.
    fn finish_apply(&mut self, a: &rast::Apply, func: Expr, span: Span) -> LResult<Expr> {
        let arg = match (a.argument(), a.lambda()) {
            (Some(rast::Expr::Ident(id)), Some(f)) if is_or_keyword(&id) => {
                // Nix's `expr_simple OR_KW` rule: the variable `or` is placed at
                // the start of the rule, the operand before it.
                let operand = match &f {
                    rast::Expr::Apply(inner) => inner.argument().unwrap_or(f.clone()),
                    _ => f.clone(),
                };
                let start = self.span(&operand).start;
                let end = self.span(&id).end;
                let at = Span {
                    file: self.file,
                    start,
                    end,
                };
                Expr::Var(self.resolve(Symbol::intern("or"), at)?)
            }
            (arg, _) => self.lower_opt(arg, a)?,
        };
        Ok(Expr::Apply(Box::new(ast::Apply { func, arg, span })))
    }

    fn lower_literal(&mut self, l: &rast::Literal, span: Span) -> LResult<Expr> {
        Ok(match l.kind() {
            rast::LiteralKind::Integer(i) => match i.value() {
                Ok(v) => Expr::Int(v),
                Err(_) => return Err(self.err(span, format!("invalid integer '{}'", i.syntax().text()))),
            },
            rast::LiteralKind::Float(f) => {
                let text = f.syntax().text();
                if !is_nix_float(text) {
                    return self.lower_bad_float(text, span);
                }
                let value = f.value().ok().filter(|v| !out_of_range(text, *v));
                Expr::Float(value.ok_or_else(|| self.err(span, format!("invalid float '{text}'")))?)
            }
            rast::LiteralKind::Uri(u) => {
                let text = u.syntax().text();
                crate::lints::check_url(text, span)?;
                Expr::Str(text.into())
            }
        })
    }

    /// rnix lexes `1e6` as a float; Nix lexes it as the integer `1` applied to the
    /// variable `e6`. Reproduce Nix's reading so the error is the same.
    fn lower_bad_float(&mut self, text: &str, span: Span) -> LResult<Expr> {
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && text[digits..].starts_with(['e', 'E']) {
            let ident_span = Span {
                start: span.start + digits as u32,
                ..span
            };
            let var = self.resolve(Symbol::intern(&text[digits..]), ident_span)?;
            let int = text[..digits]
                .parse()
                .map_err(|_| self.err(span, format!("invalid integer '{}'", &text[..digits])))?;
            return Ok(Expr::Apply(Box::new(ast::Apply {
                func: Expr::Int(int),
                arg: Expr::Var(var),
                span,
            })));
        }
        Err(self.err(span, format!("syntax error, invalid float '{text}'")))
    }

    fn lower_search_path(&mut self, path: String, span: Span) -> LResult<Expr> {
        // `<p>` is `__findFile __nixPath "p"`, with both names resolved as variables.
        let find = Expr::Var(self.resolve(Symbol::intern("__findFile"), span)?);
        let nix_path = Expr::Var(self.resolve(Symbol::intern("__nixPath"), span)?);
        let partial = Expr::Apply(Box::new(ast::Apply {
            func: find,
            arg: nix_path,
            span,
        }));
        Ok(Expr::Apply(Box::new(ast::Apply {
            func: partial,
            arg: Expr::Str(path.into()),
            span,
        })))
    }

    fn lower_binop(&mut self, b: &rast::BinOp, span: Span) -> LResult<Expr> {
        use rast::BinOpKind as K;
        let op = b.operator().ok_or_else(|| self.missing(b))?;
        // Nix reads `a > b` and `a <= b` as `__lessThan b a` (negated): the right operand
        // comes first, so its undefined variable is the one reported.
        if matches!(op, K::More | K::LessOrEq) {
            let rhs = self.lower_opt(b.rhs(), b)?;
            let lhs = self.lower_opt(b.lhs(), b)?;
            return self.combine_binop(b, op, lhs, rhs, span);
        }
        let lhs = self.lower_opt(b.lhs(), b)?;
        self.finish_binop(b, lhs, span)
    }

    /// `lhs OP rhs` of an operator read left to right, `lhs` lowered already.
    fn finish_binop(&mut self, b: &rast::BinOp, lhs: Expr, span: Span) -> LResult<Expr> {
        let op = b.operator().ok_or_else(|| self.missing(b))?;
        let rhs = self.lower_opt(b.rhs(), b)?;
        self.combine_binop(b, op, lhs, rhs, span)
    }

    /// The operator node itself, both operands lowered: a local `__sub`, `__mul`, `__div`
    /// or `__lessThan` takes it over, as in Nix.
    fn combine_binop(
        &mut self,
        b: &rast::BinOp,
        op: rast::BinOpKind,
        lhs: Expr,
        rhs: Expr,
        span: Span,
    ) -> LResult<Expr> {
        use rast::BinOpKind as K;
        let rhs_start = b.rhs().map_or(span.start, |r| self.span(&r).start);
        let op = match op {
            K::Concat => BinOpKind::Concat,
            K::Update => BinOpKind::Update,
            K::Add => BinOpKind::Add,
            K::Sub => BinOpKind::Sub,
            K::Mul => BinOpKind::Mul,
            K::Div => BinOpKind::Div,
            K::And => BinOpKind::And,
            K::Or => BinOpKind::Or,
            K::Equal => BinOpKind::Eq,
            K::NotEqual => BinOpKind::NotEq,
            K::Implication => BinOpKind::Implication,
            K::Less => BinOpKind::Less,
            K::LessOrEq => BinOpKind::LessEq,
            K::More => BinOpKind::Greater,
            K::MoreOrEq => BinOpKind::GreaterEq,
            K::PipeRight | K::PipeLeft => return Err(self.err(span, "syntax error, unexpected pipe operator")),
        };
        // Nix defines `-`, `*`, `/` and the comparisons as calls of `__sub`, `__mul`,
        // `__div`, `__lessThan`: a local binding of that name takes over the operator.
        if let Some(name) = builtin_operator_name(op) {
            let var = self.resolve(Symbol::intern(name), span)?;
            if !matches!(var.kind, VarKind::Global(_)) {
                return Ok(desugar_operator(op, var, lhs, rhs, span));
            }
        }
        Ok(Expr::BinOp(Box::new(ast::BinOp {
            op,
            lhs,
            rhs,
            span,
            rhs_start,
            move_lhs: false,
            move_rhs: false,
        })))
    }

    fn lower_lambda(&mut self, l: &rast::Lambda, span: Span) -> LResult<Expr> {
        let skip = self.unnamed_frames(l);
        let hidden = self.scopes.split_off(self.scopes.len() - skip);
        let lowered = self.lower_lambda_in_scope(l, span);
        self.scopes.extend(hidden);
        let mut lowered = lowered?;
        if let Expr::Lambda(lambda) = &mut lowered {
            lambda.skip = skip as u32;
        }
        Ok(lowered)
    }

    /// How many of the innermost scopes are `let`/`rec` frames none of whose names
    /// occurs in the function's text (as any identifier: a superset of the variables it
    /// reads, so a frame it might read is never skipped). The search stops at a
    /// function's frame or a `with` (whose names are not known).
    fn unnamed_frames(&self, l: &rast::Lambda) -> usize {
        let frames: Vec<_> = self
            .scopes
            .iter()
            .rev()
            .map_while(|scope| match scope {
                Scope::Bindings(_, text) => Some(text),
                _ => None,
            })
            .collect();
        if frames.is_empty() {
            return 0;
        }
        unnamed_prefix(l.syntax(), &frames)
    }

    /// A `let` or `rec` binding's value, in the binding frame on top of the scopes. A
    /// value (not a function: functions skip frames themselves) that spells none of the
    /// frame's names is lowered without it ([`ast::Binding::outer`]).
    fn lower_binding(&mut self, p: Pending, n_static: u32, span: Span) -> LResult<(Expr, BindingKind, bool)> {
        let outer = match (&p, self.scopes.last()) {
            (Pending::Syntax(e) | Pending::Named(_, e), Some(Scope::Bindings(_, text)))
                if !matches!(e, rast::Expr::Lambda(_)) =>
            {
                unnamed_prefix(e.syntax(), &[text]) == 1
            }
            _ => false,
        };
        if !outer {
            let (value, kind) = self.lower_pending(p, n_static, true, span)?;
            return Ok((value, kind, false));
        }
        let own = self.scopes.pop();
        let lowered = self.lower_pending(p, n_static, false, span);
        self.scopes.extend(own);
        let (value, kind) = lowered?;
        Ok((value, kind, true))
    }

    fn lower_lambda_in_scope(&mut self, l: &rast::Lambda, span: Span) -> LResult<Expr> {
        let param = l.param().ok_or_else(|| self.missing(l))?;
        match param {
            rast::Param::IdentParam(p) => {
                let name = p.ident().and_then(|i| ident_name(&i)).ok_or_else(|| self.missing(&p))?;
                let sym = Symbol::intern(&name);
                let mut names = FxHashMap::default();
                names.insert(sym, 0);
                let body = l.body();
                let body = self.with_scope(Scope::Frame(names), |this| this.lower_opt(body, l))?;
                Ok(Expr::Lambda(Box::new(ast::Lambda {
                    arg: Some(sym),
                    formals: None,
                    body,
                    frame_size: 1,
                    skip: 0,
                    name: None,
                    span,
                })))
            }
            rast::Param::Pattern(p) => {
                let (names, order, at) = self.formal_names(&p, span)?;
                let at_before = at.as_ref().is_some_and(|(_, b)| {
                    b.syntax().text_range().start() < p.syntax().text_range().start() + rowan::TextSize::from(1)
                });
                let frame_size = order.len() as u32 + at.is_some() as u32;
                let ellipsis = p.ellipsis_token().is_some();
                let body = l.body();
                self.with_scope(Scope::Frame(names), |this| {
                    let mut entries = Vec::with_capacity(order.len());
                    for (name, entry) in &order {
                        let default = match entry.default() {
                            Some(d) => Some(this.lower(&d)?),
                            None => None,
                        };
                        entries.push(ast::Formal {
                            name: *name,
                            default,
                            span: this.span(entry),
                            hint: ast::SlotHint::default(),
                        });
                    }
                    let body = this.lower_opt(body, l)?;
                    Ok(Expr::Lambda(Box::new(ast::Lambda {
                        arg: at.map(|(s, _)| s),
                        formals: Some(ast::Formals {
                            entries: entries.into_boxed_slice(),
                            ellipsis,
                            at_before,
                        }),
                        body,
                        frame_size,
                        skip: 0,
                        name: None,
                        span,
                    })))
                })
            }
        }
    }

    /// A pattern's names in slot order (the `@` name last, also in the map): Nix's
    /// `validateFormals`, which runs when the whole function `span` is reduced.
    #[allow(clippy::type_complexity)]
    fn formal_names(
        &mut self,
        p: &rast::Pattern,
        span: Span,
    ) -> LResult<(
        FxHashMap<Symbol, u32>,
        Vec<(Symbol, rast::PatEntry)>,
        Option<(Symbol, rast::PatBind)>,
    )> {
        let mut names = FxHashMap::default();
        let mut order = Vec::new();
        for entry in p.pat_entries() {
            let name = entry
                .ident()
                .and_then(|i| ident_name(&i))
                .ok_or_else(|| self.missing(&entry))?;
            let sym = Symbol::intern(&name);
            if names.contains_key(&sym) {
                let message = format!("duplicate formal function argument '{name}'");
                return Err(self.action_err(self.span(&entry), message, span.end));
            }
            names.insert(sym, order.len() as u32);
            order.push((sym, entry));
        }
        let at = match p.pat_bind() {
            Some(b) => {
                let name = b.ident().and_then(|i| ident_name(&i)).ok_or_else(|| self.missing(&b))?;
                let sym = Symbol::intern(&name);
                if names.contains_key(&sym) {
                    // Nix's `validateFormals` reports it at the lambda (`a@{ a }: a`).
                    let message = format!("duplicate formal function argument '{name}'");
                    return Err(self.action_err(span, message, span.end));
                }
                names.insert(sym, order.len() as u32);
                Some((sym, b))
            }
            None => None,
        };
        Ok((names, order, at))
    }

    /// What Nix's parser actions check in `e` itself: the names a set or `let` binds
    /// (with the literal sets merged into them), a function's formals; not the sets,
    /// `let`s and functions nested in its values (`error_order` checks each of those).
    ///
    /// `first_error`: where the first syntax error inside `e` starts, if there is one;
    /// only what ends before it is checked.
    pub(crate) fn check_actions(&mut self, e: &rast::Expr, first_error: Option<u32>) -> LResult<()> {
        self.collect_until = first_error.unwrap_or(u32::MAX);
        let checked = match e {
            rast::Expr::AttrSet(a) => self.collect_entries(&mut Collected::new(a.rec_token().is_some()), a, false),
            rast::Expr::LegacyLet(l) => self.collect_entries(&mut Collected::new(true), l, false),
            rast::Expr::LetIn(l) => self.collect_entries(&mut Collected::new(false), l, true),
            // Reduced where it ends: never, with an error inside.
            rast::Expr::Lambda(l) if first_error.is_none() => match l.param() {
                Some(rast::Param::Pattern(p)) => self.formal_names(&p, self.span(l)).map(drop),
                _ => Ok(()),
            },
            _ => Ok(()),
        };
        self.collect_until = u32::MAX;
        checked
    }

    // ---------------------------------------------------------------- attribute paths

    fn lower_attrpath(
        &mut self,
        path: Option<rast::Attrpath>,
        parent: &impl AstNode<Language = rnix::NixLanguage>,
    ) -> LResult<Box<[AttrName]>> {
        let path = path.ok_or_else(|| self.missing(parent))?;
        path.attrs()
            .map(|a| self.lower_attr_name(&a))
            .collect::<LResult<Vec<_>>>()
            .map(Vec::into_boxed_slice)
    }

    /// An attribute name: static when it is an identifier or a string without
    /// interpolation (also `${"x"}`, `${("x")}` and `${''${"x"}''}`, which Nix makes static
    /// too: all are its `ExprString`), dynamic otherwise.
    pub(crate) fn lower_attr_name(&mut self, attr: &rast::Attr) -> LResult<AttrName> {
        match attr {
            rast::Attr::Ident(id) => {
                let name = ident_name(id).ok_or_else(|| self.missing(id))?;
                Ok(AttrName::Static(Symbol::intern(&name)))
            }
            rast::Attr::Str(s) => {
                let e = strings::lower_str(self, s)?;
                Ok(static_or_dynamic(e))
            }
            rast::Attr::Dynamic(d) => {
                let e = self.lower_opt(d.expr(), d)?;
                Ok(static_or_dynamic(e))
            }
        }
    }

    // ---------------------------------------------------------------- sets and lets

    /// A static name if `attr` is one (identifier, plain string, `${"constant"}`, ...), else
    /// `None`: dynamic names are lowered later, in the scope they are evaluated in.
    fn static_name(&mut self, attr: &rast::Attr) -> LResult<Option<Symbol>> {
        let constant = match attr {
            rast::Attr::Ident(_) => true,
            rast::Attr::Str(s) => is_constant_str(s),
            rast::Attr::Dynamic(d) => d.expr().is_some_and(|e| is_constant(&e)),
        };
        if !constant {
            return Ok(None);
        }
        match self.lower_attr_name(attr)? {
            AttrName::Static(s) => Ok(Some(s)),
            AttrName::Dynamic(_) => Ok(None),
        }
    }

    fn collect_entries(&mut self, into: &mut Collected, node: &impl HasEntry, is_let: bool) -> LResult<()> {
        // A literal set merged into another is collected while its parent binding is: its
        // own bindings were reduced before, the merge itself is the parent's.
        let parent_binding_end = self.binding_end;
        for entry in node.entries() {
            self.binding_end = entry.syntax().text_range().end().into();
            if self.binding_end > self.collect_until {
                break;
            }
            match entry {
                rast::Entry::Inherit(inh) => self.collect_inherit(into, &inh)?,
                rast::Entry::AttrpathValue(apv) => {
                    let path = apv.attrpath().ok_or_else(|| self.missing(&apv))?;
                    let value = apv.value().ok_or_else(|| self.missing(&apv))?;
                    let span = self.span(&path);
                    let mut names = Vec::new();
                    for attr in path.attrs() {
                        let name = match self.static_name(&attr)? {
                            Some(sym) => PathKey::Static(sym),
                            None => PathKey::Dynamic(attr.clone()),
                        };
                        if is_let && matches!(name, PathKey::Dynamic(_)) && names.is_empty() {
                            // Checked when the whole `let ... in e` is reduced.
                            let let_end = node.syntax().text_range().end().into();
                            let message = "dynamic attributes not allowed in let";
                            return Err(self.action_err(self.span(&attr), message, let_end));
                        }
                        names.push(name);
                    }
                    self.add_attr(into, names, value, span)?;
                }
            }
        }
        self.binding_end = parent_binding_end;
        Ok(())
    }

    fn collect_inherit(&mut self, into: &mut Collected, inh: &rast::Inherit) -> LResult<()> {
        let source = match inh.from() {
            Some(from) => {
                let e = from.expr().ok_or_else(|| self.missing(&from))?;
                into.inherit_sources.push(e);
                Some(into.inherit_sources.len() - 1)
            }
            None => None,
        };
        for attr in inh.attrs() {
            // Each inherited name is at its own position, as in modern Nix (Nix 2.8 gave
            // all of them the position where the list starts).
            let span = self.span(&attr);
            let Some(name) = self.static_name(&attr)? else {
                return Err(self.action_err(span, "dynamic attributes not allowed in inherit", span.end));
            };
            if let Some(prev) = into.statics.get(&name) {
                return Err(self.binding_err(
                    span,
                    format!(
                        "attribute '{}' already defined at {}",
                        identifier(name.as_str()),
                        prev.span.describe()
                    ),
                ));
            }
            let value = match source {
                Some(source) => Pending::InheritFrom { source, name },
                None => Pending::Inherit { name },
            };
            into.statics.insert(name, Entry { value, span });
        }
        Ok(())
    }

    /// Nix's `addAttr`: insert `path = value`, creating or descending into nested sets,
    /// merging two literal sets defined for the same name, and rejecting duplicates.
    fn add_attr(&mut self, into: &mut Collected, path: Vec<PathKey>, value: rast::Expr, span: Span) -> LResult<()> {
        // The path as Nix shows it, for errors only: formatting it for every attribute
        // defined was 2% of a parse.
        let shown = || show_attr_path(&path);
        let mut current = into;
        let last = path.len() - 1;
        for (i, name) in path.iter().enumerate() {
            let is_last = i == last;
            match name {
                &PathKey::Static(sym) => {
                    if !is_last {
                        if !current.statics.contains_key(&sym) {
                            current.statics.insert(
                                sym,
                                Entry {
                                    value: Pending::Nested(Box::new(Collected::new(false))),
                                    span,
                                },
                            );
                        }
                        let entry = current.statics.get_mut(&sym).unwrap();
                        self.make_nested(entry, &shown, span)?;
                        let Pending::Nested(next) = &mut entry.value else {
                            unreachable!()
                        };
                        current = next;
                        continue;
                    }
                    match current.statics.get_mut(&sym) {
                        None => {
                            current.statics.insert(
                                sym,
                                Entry {
                                    value: Pending::Named(sym, value),
                                    span,
                                },
                            );
                        }
                        Some(existing) => {
                            let new_set = literal_set(&value);
                            match new_set {
                                Some(set) if is_mergeable_set(&existing.value) => {
                                    self.make_nested(existing, &shown, span)?;
                                    let Pending::Nested(target) = &mut existing.value else {
                                        unreachable!()
                                    };
                                    // Merge the new literal's definitions into the existing set.
                                    let mut incoming = Collected::new(false);
                                    self.collect_entries(&mut incoming, &set, false)?;
                                    self.merge_sets(target, incoming, &shown())?;
                                }
                                _ => {
                                    return Err(self.binding_err(
                                        span,
                                        format!(
                                            "attribute '{}' already defined at {}",
                                            shown(),
                                            existing.span.describe()
                                        ),
                                    ))
                                }
                            }
                        }
                    }
                    return Ok(());
                }
                PathKey::Dynamic(key) => {
                    if is_last {
                        current.dynamics.push((key.clone(), Pending::Syntax(value), span));
                        return Ok(());
                    }
                    current
                        .dynamics
                        .push((key.clone(), Pending::Nested(Box::new(Collected::new(false))), span));
                    let Some((_, Pending::Nested(next), _)) = current.dynamics.last_mut() else {
                        unreachable!()
                    };
                    current = next;
                }
            }
        }
        Ok(())
    }

    /// Modern Nix's `ParserState::addAttr` merging a literal set into one already defined:
    /// sets on both sides merge again, anything else is `attribute 'x.z' already
    /// defined at <first definition>`, located at the second one.
    fn merge_sets(&mut self, target: &mut Collected, incoming: Collected, shown: &str) -> LResult<()> {
        let offset = target.inherit_sources.len();
        target.inherit_sources.extend(incoming.inherit_sources);
        for (name, mut entry) in incoming.statics {
            if let Pending::InheritFrom { source, .. } = &mut entry.value {
                *source += offset;
            }
            let path = format!("{shown}.{}", identifier(name.as_str()));
            let Some(prev) = target.statics.get_mut(&name) else {
                target.statics.insert(name, entry);
                continue;
            };
            if !(is_mergeable_set(&prev.value) && is_mergeable_set(&entry.value)) {
                return Err(self.binding_err(
                    entry.span,
                    format!("attribute '{path}' already defined at {}", prev.span.describe()),
                ));
            }
            let at = entry.span;
            self.make_nested(prev, &|| path.clone(), at)?;
            self.make_nested(&mut entry, &|| path.clone(), at)?;
            let (Pending::Nested(into), Pending::Nested(from)) = (&mut prev.value, entry.value) else {
                unreachable!("made nested above")
            };
            self.merge_sets(into, *from, &path)?;
        }
        target.dynamics.extend(incoming.dynamics);
        Ok(())
    }

    /// Turn an entry that is a literal set into a [`Pending::Nested`] so more attributes
    /// can be added to it; anything else is a duplicate definition.
    fn make_nested(&mut self, entry: &mut Entry, shown: &dyn Fn() -> String, span: Span) -> LResult<()> {
        let set = match &entry.value {
            Pending::Nested(_) => return Ok(()),
            Pending::Named(_, e) => literal_set(e),
            _ => None,
        };
        let Some(set) = set else {
            return Err(self.binding_err(
                span,
                format!("attribute '{}' already defined at {}", shown(), entry.span.describe()),
            ));
        };
        let mut nested = Collected::new(set.rec_token().is_some());
        self.collect_entries(&mut nested, &set, false)?;
        entry.value = Pending::Nested(Box::new(nested));
        Ok(())
    }

    fn lower_let(&mut self, collected: Collected, body: impl FnOnce(&mut Self) -> LResult<Expr>) -> LResult<Expr> {
        let Collected {
            statics,
            inherit_sources,
            ..
        } = collected;
        let names: FxHashMap<Symbol, u32> = statics.keys().enumerate().map(|(i, s)| (*s, i as u32)).collect();
        let n_static = statics.len() as u32;
        self.with_scope(Scope::bindings(names), |this| {
            let mut slots = Vec::with_capacity(statics.len() + inherit_sources.len());
            for (name, entry) in statics {
                let (value, kind, outer) = this.lower_binding(entry.value, n_static, entry.span)?;
                slots.push(Binding {
                    name: Some(name),
                    value,
                    kind,
                    outer,
                    span: entry.span,
                });
            }
            for src in inherit_sources {
                let span = this.span(&src);
                let value = this.lower(&src)?;
                slots.push(Binding {
                    name: None,
                    value,
                    kind: BindingKind::InheritSource,
                    outer: false,
                    span,
                });
            }
            let body = body(this)?;
            Ok(Expr::Let(Box::new(ast::Let {
                slots: slots.into_boxed_slice(),
                body,
            })))
        })
    }

    fn lower_collected(&mut self, collected: Collected) -> LResult<Expr> {
        let Collected {
            rec,
            statics,
            dynamics,
            inherit_sources,
        } = collected;
        if rec {
            let names: FxHashMap<Symbol, u32> = statics.keys().enumerate().map(|(i, s)| (*s, i as u32)).collect();
            let n_static = statics.len() as u32;
            return self.with_scope(Scope::bindings(names), |this| {
                let mut frame = Vec::new();
                let mut attrs = Vec::new();
                for (i, (name, entry)) in statics.into_iter().enumerate() {
                    let (value, kind, outer) = this.lower_binding(entry.value, n_static, entry.span)?;
                    frame.push(Binding {
                        name: Some(name),
                        value,
                        kind,
                        outer,
                        span: entry.span,
                    });
                    attrs.push(ast::AttrDef {
                        name,
                        value: AttrValue::Slot(i as u32),
                        span: entry.span,
                        pos: entry.span.pos(),
                    });
                }
                for src in inherit_sources {
                    let span = this.span(&src);
                    let value = this.lower(&src)?;
                    frame.push(Binding {
                        name: None,
                        value,
                        kind: BindingKind::InheritSource,
                        outer: false,
                        span,
                    });
                }
                let dynamic = this.lower_dynamics(dynamics)?;
                Ok(Expr::Attrs(Box::new(ast::Attrs {
                    rec: true,
                    frame: frame.into_boxed_slice(),
                    attrs: attrs.into_boxed_slice(),
                    dynamic,
                    order: Default::default(),
                })))
            });
        }
        // Non-recursive: values live in the enclosing scope. `inherit (e)` sources get a
        // small frame of their own so each `e` is evaluated once.
        let mut frame = Vec::new();
        if !inherit_sources.is_empty() {
            for src in inherit_sources {
                let span = self.span(&src);
                let value = self.lower(&src)?;
                frame.push(Binding {
                    name: None,
                    value,
                    kind: BindingKind::InheritSource,
                    outer: false,
                    span,
                });
            }
        }
        let has_frame = !frame.is_empty();
        let mut attrs = Vec::with_capacity(statics.len());
        for (name, entry) in statics {
            let value = match entry.value {
                Pending::InheritFrom { source, name } => {
                    let expr = self.with_scope(Scope::Frame(FxHashMap::default()), |_| {
                        Ok(select_from_slot(source as u32, name, entry.span))
                    })?;
                    AttrValue::Expr {
                        expr,
                        in_frame: true,
                        kind: BindingKind::InheritFrom,
                    }
                }
                other => {
                    let (expr, kind) = self.lower_pending(other, 0, false, entry.span)?;
                    AttrValue::Expr {
                        expr,
                        in_frame: false,
                        kind,
                    }
                }
            };
            attrs.push(ast::AttrDef {
                name,
                value,
                span: entry.span,
                pos: entry.span.pos(),
            });
        }
        let dynamic = self.lower_dynamics(dynamics)?;
        debug_assert!(
            has_frame
                || attrs
                    .iter()
                    .all(|a| !matches!(a.value, AttrValue::Expr { in_frame: true, .. }))
        );
        Ok(Expr::Attrs(Box::new(ast::Attrs {
            rec: false,
            frame: frame.into_boxed_slice(),
            attrs: attrs.into_boxed_slice(),
            dynamic,
            order: Default::default(),
        })))
    }

    fn lower_dynamics(&mut self, dynamics: Vec<(rast::Attr, Pending, Span)>) -> LResult<Box<[ast::DynamicAttr]>> {
        let mut out = Vec::with_capacity(dynamics.len());
        for (key, value, span) in dynamics {
            let name = match self.lower_attr_name(&key)? {
                AttrName::Static(s) => Expr::Str(s.as_str().into()),
                AttrName::Dynamic(e) => *e,
            };
            let (value, _) = self.lower_pending(value, 0, false, span)?;
            out.push(ast::DynamicAttr { name, value, span });
        }
        Ok(out.into_boxed_slice())
    }

    /// Lower one pending definition. `in_own_frame` is true for `let`/`rec` slots, where
    /// `inherit x` must look past the frame and `inherit (e) x` reads hidden slot
    /// `n_static + source`.
    fn lower_pending(
        &mut self,
        p: Pending,
        n_static: u32,
        in_own_frame: bool,
        span: Span,
    ) -> LResult<(Expr, BindingKind)> {
        Ok(match p {
            Pending::Syntax(e) => (self.lower(&e)?, BindingKind::Plain),
            Pending::Named(name, e) => {
                let mut lowered = self.lower(&e)?;
                if let Expr::Lambda(l) = &mut lowered {
                    l.name = Some(name);
                }
                (lowered, BindingKind::Plain)
            }
            // `a.b.c... = v` nests one set a component: as deep as the path is long.
            Pending::Nested(c) => (
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.lower_collected(*c))?,
                BindingKind::Plain,
            ),
            Pending::Inherit { name } => {
                let skip = usize::from(in_own_frame);
                (
                    Expr::Var(self.resolve_skipping(name, span, skip)?),
                    BindingKind::Inherit,
                )
            }
            Pending::InheritFrom { source, name } => {
                debug_assert!(in_own_frame);
                (
                    select_from_slot(n_static + source as u32, name, span),
                    BindingKind::InheritFrom,
                )
            }
        })
    }
}

/// How many of `frames` (the names of binding frames, innermost first) come before the
/// first one with a name that `node` spells as an identifier (any identifier token: a
/// superset of the variables it reads, attribute names and formals too) or reads through
/// an operator (`a - b` reads `__sub`, `<p>` reads `__findFile` and `__nixPath`): all of
/// them when it names none; none past [`SKIP_SCAN_LIMIT`] bytes.
fn unnamed_prefix(node: &rnix::SyntaxNode, frames: &[&rustc_hash::FxHashSet<&'static str>]) -> usize {
    if usize::from(node.text_range().len()) > SKIP_SCAN_LIMIT {
        return 0;
    }
    let mut unnamed = frames.len();
    let tokens = node.descendants_with_tokens().filter_map(|e| e.into_token());
    for token in tokens {
        let names: &[&str] = match token.kind() {
            rnix::SyntaxKind::TOKEN_IDENT => &[token.text()],
            other => crate::intern_order::operator_names(other),
        };
        if names.is_empty() {
            continue;
        }
        for name in names {
            if let Some(i) = frames[..unnamed].iter().position(|f| f.contains(name)) {
                unnamed = i;
            }
        }
        if unnamed == 0 {
            break;
        }
    }
    unnamed
}

fn select_from_slot(slot: u32, name: Symbol, span: Span) -> Expr {
    Expr::Select(Box::new(ast::Select {
        expr: Expr::Var(Var {
            name: Symbol::intern("<inherit-source>"),
            kind: VarKind::Local { depth: 0, slot },
            span,
        }),
        path: Box::new([AttrName::Static(name)]),
        hints: ast::SlotHint::for_path(1),
        default: None,
        span,
        builtin: None,
    }))
}

/// Whether `e` is made of string literals only (`"x"`, `("x")`, `''${"x"}''`, a URI), so
/// that lowering it outside its scope is safe; whether Nix makes it a static name is then
/// up to the lowered expression ([`static_or_dynamic`]). Deeply nested names grow the stack.
fn is_constant(e: &rast::Expr) -> bool {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || match e {
        rast::Expr::Str(s) => is_constant_str(s),
        rast::Expr::Paren(p) => p.expr().is_some_and(|e| is_constant(&e)),
        rast::Expr::Literal(l) => matches!(l.kind(), rast::LiteralKind::Uri(_)),
        _ => false,
    })
}

fn is_constant_str(s: &rast::Str) -> bool {
    s.parts().all(|p| match p {
        rast::InterpolPart::Literal(_) => true,
        rast::InterpolPart::Interpolation(i) => i.expr().is_some_and(|e| is_constant(&e)),
    })
}

fn static_or_dynamic(e: Expr) -> AttrName {
    match e {
        Expr::Str(s) => AttrName::Static(Symbol::intern(&s)),
        other => AttrName::Dynamic(Box::new(other)),
    }
}

/// One component of an attribute path being defined.
pub(crate) enum PathKey {
    Static(Symbol),
    Dynamic(rast::Attr),
}

pub(crate) fn show_attr_path(path: &[PathKey]) -> String {
    path.iter()
        .map(|a| match a {
            PathKey::Static(s) => identifier(s.as_str()),
            PathKey::Dynamic(_) => "\"${..}\"".to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// The next link of a left-associative chain below `e`: the function of an application,
/// the left operand of an operator read left to right (`Lowerer::lower_chain`).
fn chain_left(e: &rast::Expr) -> Option<rast::Expr> {
    use rast::BinOpKind as K;
    match e {
        rast::Expr::Apply(a) => a.lambda(),
        rast::Expr::BinOp(b) => match b.operator()? {
            K::More | K::LessOrEq => None,
            _ => b.lhs(),
        },
        _ => None,
    }
}

/// `or` used as a variable (a TOKEN_OR inside NODE_IDENT).
fn is_or_keyword(id: &rast::Ident) -> bool {
    id.syntax().first_token().is_some_and(|t| t.text() == "or")
}

pub(crate) fn ident_name(id: &rast::Ident) -> Option<String> {
    id.ident_token().map(|t| t.text().to_string()).or_else(|| {
        // `or` used as an identifier is a TOKEN_OR inside NODE_IDENT.
        id.syntax().first_token().map(|t| t.text().to_string())
    })
}

/// The literal set `e` is, through any parentheses: Nix's AST has no node for them, so
/// `a = ({ x = 1; }); a.y = 2;` merges as `a = { x = 1; }; a.y = 2;` does.
fn literal_set(e: &rast::Expr) -> Option<rast::AttrSet> {
    match e {
        rast::Expr::AttrSet(s) => Some(s.clone()),
        rast::Expr::Paren(p) => literal_set(&p.expr()?),
        _ => None,
    }
}

/// An entry more definitions can merge into: a nested set already, or a literal set.
fn is_mergeable_set(p: &Pending) -> bool {
    match p {
        Pending::Nested(_) => true,
        Pending::Named(_, e) => literal_set(e).is_some(),
        _ => false,
    }
}

/// Nix's FLOAT token: `(([1-9][0-9]*\.[0-9]*)|(0?\.[0-9]+))([Ee][+-]?[0-9]+)?`.
fn is_nix_float(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let s = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - s
    };
    if i < b.len() && (b'1'..=b'9').contains(&b[i]) {
        digits(&mut i);
        if i >= b.len() || b[i] != b'.' {
            return false;
        }
        i += 1;
        digits(&mut i);
    } else {
        if i < b.len() && b[i] == b'0' {
            i += 1;
        }
        if i >= b.len() || b[i] != b'.' {
            return false;
        }
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

fn builtin_operator_name(op: BinOpKind) -> Option<&'static str> {
    Some(match op {
        BinOpKind::Sub => "__sub",
        BinOpKind::Mul => "__mul",
        BinOpKind::Div => "__div",
        BinOpKind::Less | BinOpKind::LessEq | BinOpKind::Greater | BinOpKind::GreaterEq => "__lessThan",
        _ => return None,
    })
}

/// `a - b` -> `__sub a b`; `a > b` -> `__lessThan b a`; `a <= b` -> `!(__lessThan b a)`;
/// `a >= b` -> `!(__lessThan a b)`: used only when the name is rebound locally.
fn desugar_operator(op: BinOpKind, var: Var, lhs: Expr, rhs: Expr, span: Span) -> Expr {
    let call = |a: Expr, b: Expr| {
        let partial = Expr::Apply(Box::new(ast::Apply {
            func: Expr::Var(var.clone()),
            arg: a,
            span,
        }));
        Expr::Apply(Box::new(ast::Apply {
            func: partial,
            arg: b,
            span,
        }))
    };
    match op {
        BinOpKind::Greater => call(rhs, lhs),
        BinOpKind::LessEq => Expr::Not(Box::new(call(rhs, lhs)), span),
        BinOpKind::GreaterEq => Expr::Not(Box::new(call(lhs, rhs)), span),
        _ => call(lhs, rhs),
    }
}

/// Where `strtod` sets `ERANGE`, which Nix's lexer reports as `invalid float`: the value
/// overflows, or a non-zero literal underflows to zero or a subnormal.
fn out_of_range(text: &str, value: f64) -> bool {
    let mantissa = text.split(['e', 'E']).next().unwrap_or(text);
    let nonzero = mantissa.bytes().any(|b| matches!(b, b'1'..=b'9'));
    value.is_infinite() || (nonzero && !value.is_normal())
}

#[cfg(test)]
mod tests {
    use super::is_nix_float;

    /// Nix places the variable `or` of `g f or` at `f`, where its `expr_simple OR_KW`
    /// rule starts (Nix 2.8 reports `undefined variable 'or'` at column 30 here).
    #[test]
    fn the_or_variable_is_placed_at_its_operand() {
        let text = "let f = x: x; g = x: x; in g f or";
        let globals = rustc_hash::FxHashMap::default();
        let err = crate::parse_and_lower(crate::source::Origin::String, "/".into(), text, &globals).unwrap_err();
        assert_eq!(err.message, "undefined variable 'or'");
        assert_eq!(err.span.start as usize, text.find("f or").unwrap());
    }

    /// The `skip` of every function in `text`, in the order they start.
    fn skips(text: &str) -> Vec<u32> {
        fn walk(e: &crate::ast::Expr, out: &mut Vec<(u32, u32)>) {
            use crate::ast::{AttrValue, Expr};
            match e {
                Expr::Lambda(l) => {
                    out.push((l.span.start, l.skip));
                    walk(&l.body, out);
                }
                Expr::Let(l) => {
                    l.slots.iter().for_each(|b| walk(&b.value, out));
                    walk(&l.body, out);
                }
                Expr::Attrs(a) => {
                    a.frame.iter().for_each(|b| walk(&b.value, out));
                    for def in a.attrs.iter() {
                        if let AttrValue::Expr { expr, .. } = &def.value {
                            walk(expr, out);
                        }
                    }
                }
                Expr::With(w) => walk(&w.body, out),
                Expr::List(items) => items.iter().for_each(|e| walk(e, out)),
                Expr::Apply(a) => {
                    walk(&a.func, out);
                    walk(&a.arg, out);
                }
                _ => {}
            }
        }
        let globals = rustc_hash::FxHashMap::default();
        let expr = crate::parse_and_lower(crate::source::Origin::String, "/".into(), text, &globals).unwrap();
        let mut out = Vec::new();
        walk(&expr, &mut out);
        out.sort();
        out.into_iter().map(|(_, skip)| skip).collect()
    }

    /// A function skips the innermost `let`/`rec` frames none of whose names it spells,
    /// and stops at a frame it might read, a function's frame or a `with`.
    #[test]
    fn functions_skip_the_binding_frames_they_never_name() {
        assert_eq!(skips("let y = 1; in a: a"), [1]);
        assert_eq!(skips("let y = 1; in a: y"), [0]);
        assert_eq!(skips("let y = 1; in let z = 2; in a: a"), [2]);
        assert_eq!(skips("let y = 1; in let z = 2; in a: y"), [1]);
        assert_eq!(skips("x: let y = 1; in a: x"), [0, 1]);
        assert_eq!(skips("x: a: x"), [0, 0]);
        assert_eq!(skips("let y = 1; in with { }; a: a"), [0]);
        assert_eq!(skips("with { }; let y = 1; in a: a"), [1]);
        assert_eq!(skips("rec { y = 1; f = a: a; }"), [1]);
        // Any identifier with a frame's name keeps the frame, even an attribute name.
        assert_eq!(skips("let y = 1; in a: a.y"), [0]);
        assert_eq!(skips("let y = 1; in a: \"${a.y}\""), [0]);
        assert_eq!(skips("{ y = 1; f = a: a; }"), [0]);
    }

    /// Which bindings of the outermost `let` or `rec` set of `text` are lowered outside
    /// their frame, in slot order.
    fn outer_bindings(text: &str) -> Vec<bool> {
        let globals = rustc_hash::FxHashMap::default();
        let expr = crate::parse_and_lower(crate::source::Origin::String, "/".into(), text, &globals).unwrap();
        let expr = match &expr {
            crate::ast::Expr::Lambda(l) => &l.body,
            other => other,
        };
        let slots = match expr {
            crate::ast::Expr::Let(l) => &l.slots,
            crate::ast::Expr::Attrs(a) => &a.frame,
            other => panic!("not a let or a set: {other:?}"),
        };
        slots.iter().map(|b| b.outer).collect()
    }

    /// A binding value that spells none of its frame's names is lowered outside it; one
    /// that might read the frame, a function (which skips frames itself) and an
    /// `inherit (e)` source stay in it.
    #[test]
    fn bindings_that_never_name_their_frame_are_lowered_outside_it() {
        assert_eq!(outer_bindings("let a = 1; b = a; in b"), [true, false]);
        assert_eq!(outer_bindings("x: let a = x; b = { c = x; }; in a"), [true, true]);
        assert_eq!(outer_bindings("let a = { b = 1; }.a or 2; b = 3; in a"), [false, true]);
        assert_eq!(outer_bindings("let f = x: x; in f"), [false]);
        assert_eq!(outer_bindings("rec { a = 1; b = a; }"), [true, false]);
        assert_eq!(
            outer_bindings("let inherit ({ p = 1; }) p; q = 2; in q"),
            [false, true, false]
        );
    }

    #[test]
    fn float_forms() {
        for ok in ["1.5", "1.", ".5", "0.5", "1.5e3", "1.e-3", ".5E+2"] {
            assert!(is_nix_float(ok), "{ok}");
        }
        for bad in ["1e6", "01.5", "00.5", "1.5e", "."] {
            assert!(!is_nix_float(bad), "{bad}");
        }
    }

    /// Left-associative chains have no parser depth limit (Nix's LALR parser takes a
    /// million operands of `f a b ...`); lowering them must not overflow the stack. Run
    /// on an 8 MiB stack, where lowering's 20,000 levels would not fit without `stacker`
    /// segments (the syntax tree's own drop, a few words a level, does).
    #[test]
    fn long_left_associative_chains_lower_on_a_small_stack() {
        let n = 20_000;
        let texts = [
            format!("{}1", "(x: x) ".repeat(n)),
            vec!["1"; n].join(" + "),
            format!("{{ {} = 1; }}", vec!["a"; n].join(".")),
        ];
        std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(move || {
                let globals = rustc_hash::FxHashMap::default();
                for text in &texts {
                    let lowered = crate::parse_and_lower(crate::source::Origin::String, "/".into(), text, &globals);
                    assert!(
                        lowered.is_ok(),
                        "{}...: {:?}",
                        &text[..20],
                        lowered.err().map(|e| e.message)
                    );
                }
            })
            .unwrap()
            .join()
            .unwrap();
    }
}
