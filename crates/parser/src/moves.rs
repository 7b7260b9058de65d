//! Which `acc ++ ...`, `... ++ acc` and `acc // ...` may take `acc` out of its frame
//! instead of copying it.
//!
//! `foldl' (acc: x: acc ++ [ x ]) [ ] xs` and nixpkgs 20.09's `lib.unique` (`if elem e
//! acc then acc else acc ++ [ e ]`) copy the whole accumulator at every step; with
//! reference counting each copied element is also touched twice (its count raised, then
//! lowered when the old list dies), which made such folds 3.7x slower than Nix's pointer
//! copies. When `acc` is read nowhere else, the evaluator can move the list out of the
//! frame and append to it in place. The same holds for a set grown one attribute at a
//! time (`foldl' (acc: x: acc // { ${x.name} = x; }) { }`): each step copied the whole
//! set, and a set nothing else holds takes the new attributes in place.
//!
//! This pass marks a `++` or `//` ([`BinOp::move_lhs`]) whose left operand is a
//! parameter of an enclosing lambda when every other read of that parameter, anywhere in
//! the lambda (nested lambdas included), is either in the condition of an `if` whose
//! branch holds the operator (evaluated before it) or in the other branch (never
//! evaluated with it). The evaluator still moves only when no thunk or closure holds a
//! frame between the expression and the parameter's frame (so nothing can read the slot
//! later) and puts the value back if the operator fails. The operator must also be
//! evaluated directly by the body of the innermost enclosing lambda, not inside a thunk
//! (a list element, an attribute, a binding, an argument): a thunk that fails after the
//! move is evaluated again later, in the same frame, and would find the slot empty; a
//! call's body never is.
//!
//! The right operand of `++` is marked the same way ([`BinOp::move_rhs`]): `foldl' (acc:
//! x: [ x ] ++ acc) [ ] xs` copied the accumulator at every step, touching each element's
//! count twice, where a list nothing else holds can give its elements up to the new one.
//! The evaluator may take it out of its slot before the left operand is evaluated (which
//! cannot read it: no other read exists) and reads it after, in the ordinary order.

use crate::ast::{AttrName, AttrValue, BinOp, BinOpKind, Expr, Var, VarKind};
use std::collections::{HashMap, HashSet};

/// Set `move_lhs` and `move_rhs` on the `++` and `//` operations of `expr` that qualify
/// (see the module doc).
pub fn mark(expr: &mut Expr) {
    // Most files have no candidate: a first walk only looks for one, without recording
    // reads (which copy the `if` path of each).
    let mut scan = Walker::default();
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || scan.expr(expr));
    if !scan.candidates {
        return;
    }
    let mut walker = Walker {
        record: true,
        ..Walker::default()
    };
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || walker.expr(expr));
    if !walker.marks.is_empty() {
        set_marks(expr, &walker.marks);
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Cond,
    Then,
    Else,
}

/// A `++` or `//` (by its span) and which of its operands (true: the right one) may move.
type Mark = (u32, u32, bool);

/// A read of a lambda parameter: the `if`s it sits in (id, role), outermost first, and
/// the `++` or `//` it is the operand of that could move it, if there is one.
struct Read {
    path: Vec<(u32, Role)>,
    moved_by: Option<Mark>,
}

#[derive(Default)]
struct Walker {
    /// The frames around the current expression, innermost last: `Some(id)` for a
    /// lambda's, `None` for others (`let`, `rec`, `with`, `inherit (e)` sources).
    frames: Vec<Option<u32>>,
    lambdas: u32,
    ifs: u32,
    path: Vec<(u32, Role)>,
    reads: HashMap<(u32, u32), Vec<Read>>,
    /// Operands of `++` and `//` that may move.
    marks: HashSet<Mark>,
    /// Lazy positions (thunks) entered so far, and that count where the innermost
    /// lambda's body began.
    lazy: u32,
    body_lazy: Vec<u32>,
    /// Record reads and decide (the second walk), or only note whether a `++` could move.
    record: bool,
    candidates: bool,
}

/// The read `v` may move if every other read comes before it or on another branch.
fn may_move(v: &Read, others: &[&Read]) -> bool {
    others.iter().all(|r| {
        let common = v.path.iter().zip(&r.path).take_while(|(a, b)| a == b).count();
        match (v.path.get(common), r.path.get(common)) {
            (Some((vi, vr)), Some((ri, rr))) if vi == ri => {
                matches!(
                    (rr, vr),
                    (Role::Cond, Role::Then | Role::Else) | (Role::Then, Role::Else) | (Role::Else, Role::Then)
                )
            }
            _ => false,
        }
    })
}

impl Walker {
    fn in_frame(&mut self, frame: Option<u32>, f: impl FnOnce(&mut Self)) {
        self.frames.push(frame);
        f(self);
        self.frames.pop();
    }

    /// `e` is evaluated later, as a thunk of its own.
    fn lazy(&mut self, e: &Expr) {
        self.lazy += 1;
        self.expr(e);
        self.lazy -= 1;
    }

    fn read(&mut self, var: &Var, moved_by: Option<Mark>) {
        let direct = self.body_lazy.last() == Some(&self.lazy);
        let moved_by = moved_by.filter(|_| direct);
        let VarKind::Local { depth, slot } = var.kind else {
            return;
        };
        if !self.record {
            self.candidates |= moved_by.is_some();
            return;
        }
        // Beyond this file's frames: a scope the file was lowered in (`scopedImport`).
        let Some(at) = self.frames.len().checked_sub(depth as usize + 1) else {
            return;
        };
        if let Some(lambda) = self.frames[at] {
            self.reads.entry((lambda, slot)).or_default().push(Read {
                path: self.path.clone(),
                moved_by,
            });
        }
    }

    fn lambda_done(&mut self, id: u32, slots: u32) {
        for slot in 0..slots {
            let Some(reads) = self.reads.remove(&(id, slot)) else {
                continue;
            };
            for (i, v) in reads.iter().enumerate() {
                let Some(key) = v.moved_by else { continue };
                let others: Vec<&Read> = reads
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, r)| r)
                    .collect();
                if may_move(v, &others) {
                    self.marks.insert(key);
                }
            }
        }
    }

    fn branch(&mut self, id: u32, role: Role, e: &Expr) {
        self.path.push((id, role));
        self.expr(e);
        self.path.pop();
    }

    fn names(&mut self, path: &[AttrName]) {
        for name in path {
            if let AttrName::Dynamic(e) = name {
                self.expr(e);
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expr_inner(e))
    }

    fn expr_inner(&mut self, e: &Expr) {
        match e {
            Expr::Int(_) | Expr::Float(_) | Expr::Str(_) | Expr::Path(_) | Expr::CurPos(_) => {}
            // Only decoded trees have lazy parts, and their marks are decoded with them;
            // reading through one keeps the analysis of a tree that has them sound.
            Expr::Lazy(l) => {
                if let Some(inner) = l.get() {
                    self.expr(inner)
                }
            }
            Expr::Var(v) => self.read(v, None),
            Expr::Select(s) => {
                self.expr(&s.expr);
                self.names(&s.path);
                if let Some(d) = &s.default {
                    self.expr(d);
                }
            }
            Expr::HasAttr(h) => {
                self.expr(&h.expr);
                self.names(&h.path);
            }
            Expr::Apply(_) | Expr::BinOp(_) => self.chain(e),
            Expr::Lambda(l) => {
                let id = self.lambdas;
                self.lambdas += 1;
                // The `let`/`rec` frames the function skips are not in its body's chain.
                // (Saturating: a corrupt cache entry may claim more than there are.)
                let skipped = self.frames.split_off(self.frames.len().saturating_sub(l.skip as usize));
                self.in_frame(Some(id), |w| {
                    if let Some(formals) = &l.formals {
                        for f in formals.entries.iter() {
                            if let Some(d) = &f.default {
                                w.lazy(d);
                            }
                        }
                    }
                    w.body_lazy.push(w.lazy);
                    w.expr(&l.body);
                    w.body_lazy.pop();
                });
                self.frames.extend(skipped);
                self.lambda_done(id, l.frame_size);
            }
            Expr::Let(l) => {
                // Values lowered without the frame (`Binding::outer`) are read outside it.
                for b in l.slots.iter().filter(|b| b.outer) {
                    self.lazy(&b.value);
                }
                self.in_frame(None, |w| {
                    for b in l.slots.iter().filter(|b| !b.outer) {
                        w.lazy(&b.value);
                    }
                    w.expr(&l.body);
                })
            }
            Expr::Attrs(a) => {
                let has_frame = a.rec || !a.frame.is_empty();
                // `inherit (e)` sources of a non-rec set are evaluated outside its frame.
                // Everything in a set is a thunk (or, for dynamic names, counted as one).
                self.lazy += 1;
                for b in a.frame.iter().filter(|b| !a.rec || b.outer) {
                    self.expr(&b.value);
                }
                for def in a.attrs.iter() {
                    if let AttrValue::Expr {
                        expr, in_frame: false, ..
                    } = &def.value
                    {
                        self.expr(expr);
                    }
                }
                if !a.rec {
                    for d in a.dynamic.iter() {
                        self.expr(&d.name);
                        self.expr(&d.value);
                    }
                }
                if has_frame {
                    self.in_frame(None, |w| {
                        if a.rec {
                            for b in a.frame.iter().filter(|b| !b.outer) {
                                w.expr(&b.value);
                            }
                            for d in a.dynamic.iter() {
                                w.expr(&d.name);
                                w.expr(&d.value);
                            }
                        }
                        for def in a.attrs.iter() {
                            if let AttrValue::Expr {
                                expr, in_frame: true, ..
                            } = &def.value
                            {
                                w.expr(expr);
                            }
                        }
                    });
                }
                self.lazy -= 1;
            }
            Expr::List(items) => items.iter().for_each(|i| self.lazy(i)),
            Expr::With(w) => {
                self.lazy(&w.namespace);
                self.in_frame(None, |s| s.expr(&w.body));
            }
            Expr::If(i) => {
                let id = self.ifs;
                self.ifs += 1;
                self.branch(id, Role::Cond, &i.cond);
                self.branch(id, Role::Then, &i.then);
                self.branch(id, Role::Else, &i.else_);
            }
            Expr::Assert(a) => {
                self.expr(&a.cond);
                self.expr(&a.body);
            }
            Expr::Not(e, _) | Expr::Neg(e, _) => self.expr(e),
            Expr::Interpolate(i) => i.parts.iter().for_each(|p| self.expr(p)),
        }
    }

    /// A left-associative chain (`f a b`, `a + b + c`) walked in a loop, in the order
    /// recursion took (the leftmost operand, then each right operand outwards): a
    /// generated 100,000-term chain took a native frame a link.
    fn chain(&mut self, top: &Expr) {
        let mut links = Vec::new();
        let mut leftmost = top;
        loop {
            match leftmost {
                Expr::Apply(a) => {
                    links.push(leftmost);
                    leftmost = &a.func;
                }
                Expr::BinOp(b) if moved_var(b).is_none() => {
                    links.push(leftmost);
                    leftmost = &b.lhs;
                }
                _ => break,
            }
        }
        match leftmost {
            Expr::BinOp(b) => {
                if let Some(v) = moved_var(b) {
                    self.read(v, Some(key(b, false)));
                }
                self.right_operand(b);
            }
            other => self.expr(other),
        }
        for link in links.iter().rev() {
            match link {
                Expr::Apply(a) => self.lazy(&a.arg),
                Expr::BinOp(b) => self.right_operand(b),
                _ => unreachable!("only applications and operators are links"),
            }
        }
    }

    /// The right operand of `b`: a variable `++` could move is a read that may move.
    fn right_operand(&mut self, b: &BinOp) {
        match (&b.op, &b.rhs) {
            (BinOpKind::Concat, Expr::Var(v)) => self.read(v, Some(key(b, true))),
            _ => self.expr(&b.rhs),
        }
    }
}

/// The variable a `++` or `//` could move out of its frame: its left operand, if that is
/// a variable.
fn moved_var(b: &BinOp) -> Option<&Var> {
    match (&b.op, &b.lhs) {
        (BinOpKind::Concat | BinOpKind::Update, Expr::Var(v)) => Some(v),
        _ => None,
    }
}

fn key(b: &BinOp, rhs: bool) -> Mark {
    (b.span.start, b.span.end, rhs)
}

/// Set the flag on the marked `++` operations (a second walk: the first only reads).
fn set_marks(e: &mut Expr, marks: &HashSet<Mark>) {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || match e {
        Expr::Int(_) | Expr::Float(_) | Expr::Str(_) | Expr::Path(_) | Expr::CurPos(_) | Expr::Var(_) => {}
        // Decoded with its marks; a later subtree is not written to.
        Expr::Lazy(_) => {}
        Expr::Select(s) => {
            set_marks(&mut s.expr, marks);
            names_marks(&mut s.path, marks);
            if let Some(d) = &mut s.default {
                set_marks(d, marks);
            }
        }
        Expr::HasAttr(h) => {
            set_marks(&mut h.expr, marks);
            names_marks(&mut h.path, marks);
        }
        Expr::Apply(_) | Expr::BinOp(_) => set_chain_marks(e, marks),
        Expr::Lambda(l) => {
            if let Some(formals) = &mut l.formals {
                for f in formals.entries.iter_mut() {
                    if let Some(d) = &mut f.default {
                        set_marks(d, marks);
                    }
                }
            }
            set_marks(&mut l.body, marks);
        }
        Expr::Let(l) => {
            for b in l.slots.iter_mut() {
                set_marks(&mut b.value, marks);
            }
            set_marks(&mut l.body, marks);
        }
        Expr::Attrs(a) => {
            for b in a.frame.iter_mut() {
                set_marks(&mut b.value, marks);
            }
            for def in a.attrs.iter_mut() {
                if let AttrValue::Expr { expr, .. } = &mut def.value {
                    set_marks(expr, marks);
                }
            }
            for d in a.dynamic.iter_mut() {
                set_marks(&mut d.name, marks);
                set_marks(&mut d.value, marks);
            }
        }
        Expr::List(items) => items.iter_mut().for_each(|i| set_marks(i, marks)),
        Expr::With(w) => {
            set_marks(&mut w.namespace, marks);
            set_marks(&mut w.body, marks);
        }
        Expr::If(i) => {
            set_marks(&mut i.cond, marks);
            set_marks(&mut i.then, marks);
            set_marks(&mut i.else_, marks);
        }
        Expr::Assert(a) => {
            set_marks(&mut a.cond, marks);
            set_marks(&mut a.body, marks);
        }
        Expr::Not(e, _) | Expr::Neg(e, _) => set_marks(e, marks),
        Expr::Interpolate(i) => i.parts.iter_mut().for_each(|p| set_marks(p, marks)),
    })
}

/// [`set_marks`] of a left-associative chain: down its left operands in a loop (the
/// order of a walk that only sets flags does not matter).
fn set_chain_marks(mut e: &mut Expr, marks: &HashSet<Mark>) {
    loop {
        match e {
            Expr::Apply(a) => {
                set_marks(&mut a.arg, marks);
                e = &mut a.func;
            }
            Expr::BinOp(b) => {
                if matches!(b.op, BinOpKind::Concat | BinOpKind::Update) {
                    b.move_lhs = marks.contains(&key(b, false));
                    b.move_rhs = marks.contains(&key(b, true));
                }
                set_marks(&mut b.rhs, marks);
                e = &mut b.lhs;
            }
            other => return set_marks(other, marks),
        }
    }
}

fn names_marks(path: &mut [AttrName], marks: &HashSet<Mark>) {
    for name in path {
        if let AttrName::Dynamic(e) = name {
            set_marks(e, marks);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ast::{BinOpKind, Expr};
    use crate::{parse_and_lower, Origin, Symbol};
    use rustc_hash::FxHashMap;

    /// The `move_lhs` flag of each `++` and `//` in `text`, in source order.
    fn moves(text: &str) -> Vec<bool> {
        flags(text).into_iter().map(|(l, _)| l).collect()
    }

    /// The `move_rhs` flag of each `++` and `//` in `text`, in source order.
    fn moves_rhs(text: &str) -> Vec<bool> {
        flags(text).into_iter().map(|(_, r)| r).collect()
    }

    fn flags(text: &str) -> Vec<(bool, bool)> {
        let globals: FxHashMap<Symbol, u32> = [("builtins", 0), ("map", 1)]
            .iter()
            .map(|(n, i)| (Symbol::intern(n), *i))
            .collect();
        let expr = parse_and_lower(Origin::String, "/tmp".into(), text, &globals).expect("valid program");
        let mut found = Vec::new();
        collect(&expr, &mut found);
        found.sort();
        found.into_iter().map(|(_, m)| m).collect()
    }

    fn collect(e: &Expr, out: &mut Vec<(u32, (bool, bool))>) {
        match e {
            Expr::BinOp(b) => {
                if matches!(b.op, BinOpKind::Concat | BinOpKind::Update) {
                    out.push((b.span.start, (b.move_lhs, b.move_rhs)));
                }
                collect(&b.lhs, out);
                collect(&b.rhs, out);
            }
            Expr::Lambda(l) => collect(&l.body, out),
            Expr::If(i) => [&i.cond, &i.then, &i.else_].into_iter().for_each(|e| collect(e, out)),
            Expr::Apply(a) => [&a.func, &a.arg].into_iter().for_each(|e| collect(e, out)),
            Expr::List(items) => items.iter().for_each(|e| collect(e, out)),
            Expr::Let(l) => {
                l.slots.iter().for_each(|b| collect(&b.value, out));
                collect(&l.body, out);
            }
            _ => {}
        }
    }

    #[test]
    fn a_parameter_read_once_moves() {
        assert_eq!(moves("acc: x: acc ++ [ x ]"), [true]);
        assert_eq!(moves("builtins.foldl' (acc: x: acc ++ [ x ]) [ ] [ 1 ]"), [true]);
        assert_eq!(moves("acc: x: acc // { ${x} = x; }"), [true]);
        // Read again in the right operand (an attribute's thunk reads the slot later).
        assert_eq!(moves("acc: x: acc // { n = acc.n + 1; }"), [false]);
        assert_eq!(moves("acc: x: (acc // { a = 1; }) // acc"), [false, false]);
    }

    #[test]
    fn reads_before_or_beside_it_allow_the_move() {
        assert_eq!(
            moves("acc: e: if builtins.elem e acc then acc else acc ++ [ e ]"),
            [true]
        );
        assert_eq!(moves("acc: e: if e then acc ++ [ 1 ] else acc"), [true]);
    }

    #[test]
    fn reads_after_it_or_beside_it_unordered_forbid_the_move() {
        assert_eq!(moves("acc: acc ++ acc"), [false]);
        assert_eq!(moves("acc: [ (acc ++ [ 1 ]) acc ]"), [false]);
        assert_eq!(moves("acc: if acc ++ [ 1 ] == [ ] then acc else [ ]"), [false]);
        assert_eq!(moves("acc: builtins.seq (acc ++ [ 1 ]) acc"), [false]);
    }

    #[test]
    fn only_parameters_and_only_directly_in_a_body() {
        // A `let` binding, a `rec` attribute: not parameters.
        assert_eq!(moves("let acc = [ ]; in acc ++ [ 1 ]"), [false]);
        // In a thunk (a list element, an argument, a binding): evaluated again after a
        // failure, in the same frame.
        assert_eq!(moves("acc: [ (acc ++ [ 1 ]) ]"), [false]);
        assert_eq!(moves("acc: map (x: x) (acc ++ [ 1 ])"), [false]);
        assert_eq!(moves("acc: let r = acc ++ [ 1 ]; in r"), [false]);
        // Directly in a nested lambda's body, in a `let` body, in a `with` body: fine.
        assert_eq!(moves("acc: map (x: acc ++ [ x ]) [ 1 ]"), [true]);
        assert_eq!(moves("acc: let y = 1; in acc ++ [ y ]"), [true]);
    }

    #[test]
    fn a_right_operand_of_concat_moves_under_the_same_rules() {
        assert_eq!(moves_rhs("acc: x: [ x ] ++ acc"), [true]);
        assert_eq!(moves_rhs("builtins.foldl' (acc: x: [ x ] ++ acc) [ ] [ 1 ]"), [true]);
        // Right-associative: the inner `++` is the outer one's right operand.
        assert_eq!(moves_rhs("acc: x: [ x ] ++ [ x ] ++ acc"), [false, true]);
        assert_eq!(
            moves_rhs("acc: e: if builtins.elem e acc then acc else [ e ] ++ acc"),
            [true]
        );
        // Not for `//`, and not when read again (in the left operand, or afterwards).
        assert_eq!(moves_rhs("acc: x: { a = x; } // acc"), [false]);
        assert_eq!(moves_rhs("acc: x: [ (builtins.length acc) ] ++ acc"), [false]);
        assert_eq!(moves_rhs("acc: acc ++ acc"), [false]);
        assert_eq!(moves_rhs("acc: [ ([ 1 ] ++ acc) acc ]"), [false]);
        assert_eq!(moves_rhs("acc: [ ([ 1 ] ++ acc) ]"), [false]);
        assert_eq!(moves_rhs("let acc = [ ]; in [ 1 ] ++ acc"), [false]);
    }
}
