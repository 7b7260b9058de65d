//! Operators: arithmetic (with modern Nix's overflow errors), `+` on strings and paths,
//! `==` (with Nix's same-cell rule for elements), `<`, `//` and `++`.

use crate::env::Env;
use crate::error::EvalResult;
use crate::eval::merge_context;
use crate::rc::Rc;
use crate::stats::{self, Counter};
use crate::string_context::ContextBuilder;
use crate::value::{Attr, AttrSet, ListRef, NixString, Peek, SetRef, Temp, Value};
use crate::{bail, Evaluator};
use rnix_eval_parser::ast::{self, BinOpKind, Expr};
use rnix_eval_parser::Span;
use std::cmp::Ordering;

/// `x == "literal"`, `x == 0` or `x == [ ]` (or `!=`): compared by
/// [`Evaluator::eq_literal`].
#[inline(always)]
fn is_literal_comparison(b: &ast::BinOp) -> bool {
    matches!(b.op, BinOpKind::Eq | BinOpKind::NotEq)
        && match &b.rhs {
            Expr::Str(_) | Expr::Int(_) => true,
            Expr::List(items) => items.is_empty(),
            _ => false,
        }
}

/// An operand read in place when it is an evaluated local (see `peek_operand`), else
/// evaluated into `$owned`, which holds it while it is used.
macro_rules! operand {
    ($ev:expr, $e:expr, $env:expr, $owned:ident) => {
        match peek_operand($e, $env) {
            Some(v) => v,
            None => {
                $owned = Temp::new($ev.eval_or_literal($e, $env)?);
                &*$owned
            }
        }
    };
}

impl Evaluator {
    /// Inlined into `eval`, its one caller: a chain of operators (`a + b + c`) recurses
    /// through `eval`, and a call of its own per level cost 8% of `benches/programs/scopes`.
    #[inline(always)]
    pub(crate) fn eval_binop(&mut self, b: &'static ast::BinOp, env: &Env) -> EvalResult<Value> {
        match b.op {
            BinOpKind::And | BinOpKind::Or if matches!(&b.lhs, Expr::BinOp(inner) if inner.op == b.op) => {
                self.eval_bool_chain(b, env)
            }
            BinOpKind::And => {
                let l = self.eval(&b.lhs, env)?;
                if !self.expect_bool_of(&l, &b.lhs, b.span)? {
                    return Ok(Value::Bool(false));
                }
                let r = self.eval(&b.rhs, env)?;
                Ok(Value::Bool(self.expect_bool_of(&r, &b.rhs, b.span)?))
            }
            BinOpKind::Or => {
                let l = self.eval(&b.lhs, env)?;
                if self.expect_bool_of(&l, &b.lhs, b.span)? {
                    return Ok(Value::Bool(true));
                }
                let r = self.eval(&b.rhs, env)?;
                Ok(Value::Bool(self.expect_bool_of(&r, &b.rhs, b.span)?))
            }
            BinOpKind::Implication => {
                let l = self.eval(&b.lhs, env)?;
                if !self.expect_bool_of(&l, &b.lhs, b.span)? {
                    return Ok(Value::Bool(true));
                }
                let r = self.eval(&b.rhs, env)?;
                Ok(Value::Bool(self.expect_bool_of(&r, &b.rhs, b.span)?))
            }
            _ if is_literal_comparison(b) => self.eq_literal(b, env).map(Value::Bool),
            op => {
                if b.move_lhs {
                    if let Some(result) = self.eval_moving(b, env) {
                        return result;
                    }
                }
                if op == BinOpKind::Concat {
                    return self.eval_concat(b, env);
                }
                // Three links or more: two recurse more cheaply than the loop's set-up.
                if is_chain_link(b)
                    && matches!(&b.lhs, Expr::BinOp(inner) if is_chain_link(inner)
                    && matches!(&inner.lhs, Expr::BinOp(first) if is_chain_link(first)))
                {
                    return self.eval_chain(b, env);
                }
                // An operand that is a variable, or a selection from one, already
                // evaluated is read in place (`peek_operand`), not cloned: `x != e` in a
                // `filter` predicate paid two reference-count raises and two drops per
                // call for values it only looks at. (Inline here, not a function of its
                // own: one more native frame per level cost deep recursion through
                // `1 + f (n - 1)` a tenth of its depth.)
                let l_owned;
                let l = match peek_operand(&b.lhs, env) {
                    Some(v) => v,
                    // `a > b` and `a <= b` evaluate `b` first; a left operand read in
                    // place runs nothing, so only this case needs the other order.
                    None if matches!(op, BinOpKind::Greater | BinOpKind::LessEq) => {
                        return self.eval_reversed(b, env);
                    }
                    None => {
                        l_owned = Temp::new(self.eval_or_literal(&b.lhs, env)?);
                        &*l_owned
                    }
                };
                if let Some(left) = self.check_left(b, l)? {
                    let r_owned;
                    let r = operand!(self, &b.rhs, env, r_owned);
                    return self.append_to_coerced(b, left, r);
                }
                let r_owned;
                let r = operand!(self, &b.rhs, env, r_owned);
                self.combine(b, l, r)
            }
        }
    }

    /// What Nix does with the left operand of `+` and `//` before it evaluates the right
    /// one: `ExprOpUpdate` checks for a set, and `ExprConcatStrings` coerces a left
    /// operand that is neither a number, a path nor a string to a string at once. So
    /// `[ ] + throw "x"` fails with "cannot coerce a list to a string" and `1 // throw
    /// "x"` with "value is an integer while a set was expected", errors `tryEval` does not
    /// catch. `Some`: the left operand of `+`, coerced already.
    #[inline(always)]
    fn check_left(&mut self, b: &'static ast::BinOp, l: &Value) -> EvalResult<Option<Rc<NixString>>> {
        match (b.op, l) {
            (BinOpKind::Add, Value::Int(_) | Value::Float(_) | Value::Path(_) | Value::String(_))
            | (BinOpKind::Update, Value::Attrs(_)) => Ok(None),
            (BinOpKind::Add | BinOpKind::Update, _) => self.check_left_slow(b, l),
            _ => Ok(None),
        }
    }

    #[inline(never)]
    fn check_left_slow(&mut self, b: &'static ast::BinOp, l: &Value) -> EvalResult<Option<Rc<NixString>>> {
        let l = self.force(l)?;
        match (b.op, &l) {
            (BinOpKind::Add, Value::Int(_) | Value::Float(_) | Value::Path(_) | Value::String(_)) => Ok(None),
            (BinOpKind::Add, _) => {
                let (lspan, _) = add_operand_spans(b);
                // Not a string: paths on the right are appended as text, not copied.
                Ok(Some(self.coerce_to_string(&l, lspan, false, false)?))
            }
            _ => {
                self.expect_attrs(&l, Some(b.span))?;
                Ok(None)
            }
        }
    }

    /// `l + r` where the left operand was coerced to `left` before `r` was evaluated
    /// ([`Evaluator::check_left`]).
    fn append_to_coerced(&mut self, b: &'static ast::BinOp, left: Rc<NixString>, r: &Value) -> EvalResult<Value> {
        let (lspan, rspan) = add_operand_spans(b);
        let r = self.force(r)?;
        self.append_string(left, &r, false, lspan, rspan)
    }

    /// A strict operator on its evaluated operands: integers at once, `+` with its
    /// operands' spans, the rest through [`Evaluator::binop_values`].
    #[inline(always)]
    fn combine(&mut self, b: &'static ast::BinOp, l: &Value, r: &Value) -> EvalResult<Value> {
        // The hot path of most programs: integer arithmetic and comparison.
        if let (Value::Int(x), Value::Int(y)) = (l, r) {
            let (x, y) = (*x, *y);
            let fast = match b.op {
                BinOpKind::Add | BinOpKind::Sub | BinOpKind::Mul | BinOpKind::Div => {
                    int_arith(b.op, x, y).map(Value::Int)
                }
                BinOpKind::Eq => Some(Value::Bool(x == y)),
                BinOpKind::NotEq => Some(Value::Bool(x != y)),
                BinOpKind::Less => Some(Value::Bool(x < y)),
                BinOpKind::LessEq => Some(Value::Bool(x <= y)),
                BinOpKind::Greater => Some(Value::Bool(x > y)),
                BinOpKind::GreaterEq => Some(Value::Bool(x >= y)),
                _ => None,
            };
            if let Some(v) = fast {
                return Ok(v);
            }
        }
        if b.op == BinOpKind::Add {
            // An operand that cannot be added is reported where it is, as Nix's
            // `ExprConcatStrings` does.
            let (lspan, rspan) = add_operand_spans(b);
            return self.add(l, r, lspan, rspan);
        }
        self.binop_values(b.op, l, r, Some(b.span))
    }

    /// `((x0 || x1) || x2) ...` (or `&&`): the left-nested chain of one operator under
    /// `b` in a loop, stopping at the first operand that decides it, each checked where
    /// the recursion checked it. A chain of 1,000 took 1,000 nested `eval`s: 1.4-1.9x
    /// Nix's time.
    #[inline(never)]
    fn eval_bool_chain(&mut self, b: &'static ast::BinOp, env: &Env) -> EvalResult<Value> {
        let decides = b.op == BinOpKind::Or;
        let (links, first) = left_spine(b, |inner| inner.op == b.op);
        if self.eval_condition(&first.lhs, env, first.span)? == decides {
            return Ok(Value::Bool(decides));
        }
        for link in links.into_iter().rev() {
            if self.eval_condition(&link.rhs, env, link.span)? == decides {
                return Ok(Value::Bool(decides));
            }
        }
        Ok(Value::Bool(!decides))
    }

    /// `x == "literal"` (and `!=`), as nixpkgs tests tags, types and options everywhere
    /// (`_type == "if"`, `system == "x86_64-linux"`): the bytes compared with the
    /// literal's where they are, without the literal's value or the general `==`. A
    /// value of another type is not equal to a string, as in `eq_values` (a set's
    /// `__toString` and `outPath` are not looked at). A chain of `if x == "..."` took
    /// 1.4x Nix's time. The same for an integer literal (a float equal to it is equal,
    /// as in `eq_values`) and `[ ]` (`lib.compareLists`' `a == [ ]`, `rel == 0`, a
    /// quarter of a NixOS manual's option sort).
    #[inline(never)]
    fn eq_literal(&mut self, b: &'static ast::BinOp, env: &Env) -> EvalResult<bool> {
        let l_owned;
        let l = operand!(self, &b.lhs, env, l_owned);
        let equal = match (&b.rhs, l) {
            (Expr::Str(literal), Value::String(s)) => s.as_bytes() == literal.as_bytes(),
            (Expr::Int(i), Value::Int(x)) => x == i,
            (Expr::Int(i), Value::Float(x)) => *x == *i as f64,
            (Expr::List(_), Value::List(xs)) => xs.is_empty(),
            _ => false,
        };
        Ok(equal == (b.op == BinOpKind::Eq))
    }

    /// A condition (of `if`, `&&`, `||`) evaluated to its Boolean; `x == "literal"` is
    /// compared straight from here, without a nested `eval` for the `==` (113
    /// instructions of prologue and dispatch, most of a chain of `if x == "..."`).
    #[inline(always)]
    pub(crate) fn eval_condition(&mut self, cond: &'static Expr, env: &Env, at: Span) -> EvalResult<bool> {
        if let Expr::BinOp(b) = cond {
            if is_literal_comparison(b) {
                return self.eq_literal(b, env);
            }
        }
        let v = self.eval_operand(cond, env)?;
        self.expect_bool_of(&v, cond, at)
    }

    /// `a > b` and `a <= b`, which Nix reads as `__lessThan b a`: the right operand is
    /// evaluated first, so its error is the one reported when both fail.
    #[inline(never)]
    fn eval_reversed(&mut self, b: &'static ast::BinOp, env: &Env) -> EvalResult<Value> {
        let r_owned;
        let r = operand!(self, &b.rhs, env, r_owned);
        let l_owned;
        let l = operand!(self, &b.lhs, env, l_owned);
        self.combine(b, l, r)
    }

    /// `((x0 + x1) - x2) * x3 ...`: the left-associative arithmetic chain under `b`,
    /// evaluated in a loop, in the order the recursion took (`x0`, `x1`, the first
    /// operator, `x2`, ...), each operator with its own spans. A chain of 28 `+` took 28
    /// nested `eval`s, a fifth of `benches/programs/scopes`' instructions in their
    /// prologues and dispatch.
    #[inline(never)]
    fn eval_chain(&mut self, b: &'static ast::BinOp, env: &Env) -> EvalResult<Value> {
        let (links, first) = left_spine(b, is_chain_link);
        let mut acc = Temp::new(match peek_operand(&first.lhs, env) {
            Some(v) => v.clone(),
            None => self.eval_or_literal(&first.lhs, env)?,
        });
        for link in links.into_iter().rev() {
            let left = self.check_left(link, &acc)?;
            let r_owned;
            let r = operand!(self, &link.rhs, env, r_owned);
            acc = Temp::new(match left {
                Some(left) => self.append_to_coerced(link, left, r)?,
                None => self.combine(link, &acc, r)?,
            });
        }
        Ok(acc.into_inner())
    }

    /// A strict binary operator on two forced values.
    #[inline(never)]
    pub fn binop_values(&mut self, op: BinOpKind, l: &Value, r: &Value, span: Option<Span>) -> EvalResult<Value> {
        match op {
            BinOpKind::Add => self.add(l, r, span, span),
            BinOpKind::Sub | BinOpKind::Mul | BinOpKind::Div => self.arith(op, l, r, span),
            BinOpKind::Eq => Ok(Value::Bool(self.eq_values(l, r, false)?)),
            BinOpKind::NotEq => Ok(Value::Bool(!self.eq_values(l, r, false)?)),
            BinOpKind::Less => Ok(Value::Bool(self.compare(l, r, span)? == Ordering::Less)),
            BinOpKind::Greater => Ok(Value::Bool(self.compare(r, l, span)? == Ordering::Less)),
            BinOpKind::LessEq => Ok(Value::Bool(self.compare(r, l, span)? != Ordering::Less)),
            BinOpKind::GreaterEq => Ok(Value::Bool(self.compare(l, r, span)? != Ordering::Less)),
            BinOpKind::Update => {
                let a = self.expect_attrs(l, span)?;
                let b = self.expect_attrs(r, span)?;
                Ok(update_sets(a, b))
            }
            BinOpKind::Concat => {
                let a = self.expect_list(l, span)?;
                let b = self.expect_list(r, span)?;
                if b.is_empty() {
                    return Ok(Value::List(a));
                }
                if a.is_empty() {
                    return Ok(Value::List(b));
                }
                Ok(concat_lists(a, b))
            }
            BinOpKind::And | BinOpKind::Or | BinOpKind::Implication => unreachable!("lazy operators"),
        }
    }

    /// `+`: numbers add, a path on the left makes a path, otherwise strings concatenate.
    /// Errors about an operand are reported at that operand (`lspan`, `rspan`).
    fn add(&mut self, l: &Value, r: &Value, lspan: Option<Span>, rspan: Option<Span>) -> EvalResult<Value> {
        let span = lspan;
        let l = self.force(l)?;
        let r = self.force(r)?;
        match (&l, &r) {
            (Value::Int(_) | Value::Float(_), _) => self.arith(BinOpKind::Add, &l, &r, rspan),
            (Value::Path(p), _) => {
                let s = self.coerce_to_string(&r, rspan, false, false)?;
                if s.context.is_some() {
                    bail!(
                        rspan,
                        "a string that refers to a store path cannot be appended to a path"
                    );
                }
                // Paths are text here: a non-UTF-8 suffix is made lossy.
                let joined = format!("{p}{}", s.to_str_lossy());
                Ok(Value::path(rnix_eval_parser::paths::canon_path(&joined)))
            }
            _ => {
                // As Nix's `ExprConcatStrings`: paths are copied to the store only when
                // the left operand is a string; after a set (`outPath`, `__toString`)
                // a path is appended as its text (`fetchzip { ... } + /sub`).
                let copy = matches!(l, Value::String(_));
                let a = self.coerce_to_string(&l, lspan, false, copy)?;
                self.append_string(a, &r, copy, span, rspan)
            }
        }
    }

    /// The string `a` (the coerced left operand of `+`) followed by `r` coerced to a
    /// string (paths copied to the store when `copy`).
    fn append_string(
        &mut self,
        a: Rc<NixString>,
        r: &Value,
        copy: bool,
        span: Option<Span>,
        rspan: Option<Span>,
    ) -> EvalResult<Value> {
        let b = self.coerce_to_string(r, rspan, false, copy)?;
        // Adding an empty string without context changes nothing: share the other.
        if b.is_empty() && b.context.is_none() {
            return Ok(Value::String(a));
        }
        if a.is_empty() && a.context.is_none() {
            return Ok(Value::String(b));
        }
        crate::memory::ensure_fits(a.len() + b.len(), 1, span)?;
        let mut s = Vec::with_capacity(a.len() + b.len());
        s.extend_from_slice(a.as_bytes());
        s.extend_from_slice(b.as_bytes());
        let mut context = ContextBuilder::from(a.context.as_ref());
        merge_context(&mut context, &b);
        Ok(Value::String(Rc::new(NixString::new(s, context.finish()))))
    }

    pub fn arith(&mut self, op: BinOpKind, l: &Value, r: &Value, span: Option<Span>) -> EvalResult<Value> {
        let l = self.force(l)?;
        let r = self.force(r)?;
        if op != BinOpKind::Add {
            check_operands(op, &l, &r, span)?;
        }
        let name = match op {
            BinOpKind::Add => "adding",
            BinOpKind::Sub => "subtracting",
            BinOpKind::Mul => "multiplying",
            _ => "dividing",
        };
        match (&l, &r) {
            (Value::Int(a), Value::Int(b)) => {
                let (a, b) = (*a, *b);
                let result = match op {
                    BinOpKind::Add => a.checked_add(b),
                    BinOpKind::Sub => a.checked_sub(b),
                    BinOpKind::Mul => a.checked_mul(b),
                    _ => {
                        if b == 0 {
                            bail!(span, "division by zero");
                        }
                        a.checked_div(b)
                    }
                };
                let sym = match op {
                    BinOpKind::Add => '+',
                    BinOpKind::Sub => '-',
                    BinOpKind::Mul => '*',
                    _ => '/',
                };
                match result {
                    Some(v) => Ok(Value::Int(v)),
                    None => bail!(span, "integer overflow in {name} {a} {sym} {b}"),
                }
            }
            (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
                let a = as_float(&l);
                let b = as_float(&r);
                Ok(Value::Float(match op {
                    BinOpKind::Add => a + b,
                    BinOpKind::Sub => a - b,
                    BinOpKind::Mul => a * b,
                    _ => {
                        if b == 0.0 {
                            bail!(span, "division by zero");
                        }
                        a / b
                    }
                }))
            }
            (Value::Int(_) | Value::Float(_), other) => {
                if op == BinOpKind::Add {
                    let other = crate::show_value::show_type(other);
                    bail!(span, "cannot add {other} to {}", l.type_desc());
                }
                Err(crate::show_value::type_error("an integer", other, span))
            }
            (other, _) => Err(crate::show_value::type_error("an integer", other, span)),
        }
    }

    /// Nix's `==`. `nested` enables the same-cell shortcut, which Nix applies to the
    /// elements of lists and sets but not to the operands of `==` themselves.
    pub fn eq_values(&mut self, a: &Value, b: &Value, nested: bool) -> EvalResult<bool> {
        if let Some(answer) = eq_evaluated_scalars(a, b) {
            return Ok(answer);
        }
        self.check_native_stack(None)?;
        // Elements of lists and sets compared are mostly evaluated: read where they are,
        // without a call or a clone (the clones' counts and drops were a tenth of
        // comparing lists of records). A done thunk's value stays in place while `a` and
        // `b` are held: forcing never replaces a finished state.
        let (forced_a, forced_b);
        let fa = match a.evaluated() {
            Some(v) => v,
            None => {
                forced_a = self.force(a)?;
                &forced_a
            }
        };
        let fb = match b.evaluated() {
            Some(v) => v,
            None => {
                forced_b = self.force(b)?;
                &forced_b
            }
        };
        if nested && a.same_cell(b) {
            return Ok(true);
        }
        Ok(match (fa, fb) {
            (Value::Int(x), Value::Int(y)) => x == y,
            (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => as_float(fa) == as_float(fb),
            (Value::String(x), Value::String(y)) => x.as_bytes() == y.as_bytes(),
            (Value::Path(x), Value::Path(y)) => x == y,
            (Value::Null, Value::Null) => true,
            (Value::Bool(x), Value::Bool(y)) => x == y,
            (Value::List(x), Value::List(y)) => {
                if ListRef::ptr_eq(x, y) {
                    // Same list: Nix still compares elements, but equal cells short-cut.
                }
                if x.len() != y.len() {
                    return Ok(false);
                }
                for (p, q) in x.iter().zip(y.iter()) {
                    if !eq_evaluated_scalars(p, q).map_or_else(|| self.eq_values(p, q, true), Ok)? {
                        return Ok(false);
                    }
                }
                true
            }
            (Value::Attrs(x), Value::Attrs(y)) => {
                // Most sets compared have no `type`: answered without `is_derivation`'s
                // call. As in Nix (`isDerivation(v1) && isDerivation(v2)`), the left
                // set's `type` is forced whenever it has one (a `throw` there fails the
                // comparison), the right one's only when the left is a derivation.
                let maybe_derivation = x.get_early(self.sym.type_).is_some();
                if maybe_derivation && self.is_derivation(x)? && self.is_derivation(y)? {
                    let out = self.sym.out_path;
                    if let (Some(p), Some(q)) = (x.get(out), y.get(out)) {
                        let (p, q) = (p.clone(), q.clone());
                        return self.eq_values(&p, &q, true);
                    }
                }
                if x.len() != y.len() {
                    return Ok(false);
                }
                if let (Some(p), Some(q)) = (x.flat_entries(), y.flat_entries()) {
                    return self.eq_entries(p, q);
                }
                self.eq_entries(&x.entries(), &y.entries())?
            }
            _ => false,
        })
    }

    /// Two sets' attributes, of the same number, compared name by name in order.
    fn eq_entries(&mut self, p: &[Attr], q: &[Attr]) -> EvalResult<bool> {
        for (p, q) in p.iter().zip(q) {
            if p.name != q.name {
                return Ok(false);
            }
            let (x, y) = (&p.value, &q.value);
            if !eq_evaluated_scalars(x, y).map_or_else(|| self.eq_values(x, y, true), Ok)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    pub fn is_derivation(&mut self, set: &crate::value::AttrSet) -> EvalResult<bool> {
        match set.get_early(self.sym.type_) {
            Some(t) => {
                let t = t.clone();
                Ok(matches!(self.force(&t)?, Value::String(s) if s.as_bytes() == b"derivation"))
            }
            None => Ok(false),
        }
    }

    /// Nix's `<` ordering: numbers, strings, paths, and lists lexicographically.
    pub fn compare(&mut self, a: &Value, b: &Value, span: Option<Span>) -> EvalResult<Ordering> {
        self.check_native_stack(span)?;
        let a = self.force(a)?;
        let b = self.force(b)?;
        Ok(match (&a, &b) {
            (Value::Int(x), Value::Int(y)) => x.cmp(y),
            (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
                let (x, y) = (as_float(&a), as_float(&b));
                if x < y {
                    Ordering::Less
                } else if y < x {
                    Ordering::Greater
                } else {
                    Ordering::Equal
                }
            }
            (Value::String(x), Value::String(y)) => x.as_bytes().cmp(y.as_bytes()),
            (Value::Path(x), Value::Path(y)) => x.as_bytes().cmp(y.as_bytes()),
            (Value::List(x), Value::List(y)) => {
                for (p, q) in x.iter().zip(y.iter()) {
                    match self.compare_elements(p, q, span)? {
                        Ordering::Equal => {}
                        unequal => return Ok(unequal),
                    }
                }
                x.len().cmp(&y.len())
            }
            _ => {
                use crate::show_value::{error_value, show_type};
                let (ta, tb) = (show_type(&a), show_type(&b));
                let (va, vb) = (error_value(&a), error_value(&b));
                if std::mem::discriminant(&a) != std::mem::discriminant(&b) {
                    bail!(span, "cannot compare {ta} with {tb}; values are {va} and {vb}")
                }
                bail!(
                    span,
                    "cannot compare {ta} with {tb}; values of that type are incomparable (values are {va} and {vb})"
                )
            }
        })
    }

    /// Nix compares lists at the first elements that are not `==`, by `<`. Two nested
    /// lists are compared in one walk instead (a list compares `Equal` exactly when it is
    /// `==`): Nix's `==` of every level, then `<` of the same level, is quadratic in the
    /// depth (`d 1000000 < d 1000001` never ended). Other elements: `==`, then `<`.
    fn compare_elements(&mut self, p: &Value, q: &Value, span: Option<Span>) -> EvalResult<Ordering> {
        let (fp, fq) = (self.force(p)?, self.force(q)?);
        if p.same_cell(q) {
            // `==` of one cell is true whatever it holds (as `eqValues`).
            return Ok(Ordering::Equal);
        }
        if matches!((&fp, &fq), (Value::List(_), Value::List(_))) {
            return self.compare(&fp, &fq, span);
        }
        if self.eq_values(p, q, true)? {
            return Ok(Ordering::Equal);
        }
        self.compare(&fp, &fq, span)
    }

    pub fn expect_attrs(&mut self, v: &Value, span: Option<Span>) -> EvalResult<crate::value::SetRef> {
        match self.force(v)? {
            Value::Attrs(a) => Ok(a),
            other => Err(crate::show_value::type_error("a set", &other, span)),
        }
    }

    pub fn expect_list(&mut self, v: &Value, span: Option<Span>) -> EvalResult<crate::value::ListRef> {
        match self.force(v)? {
            Value::List(l) => Ok(l),
            other => Err(crate::show_value::type_error("a list", &other, span)),
        }
    }

    /// An evaluated integer is read where it is: forcing returned a clone that was then
    /// dropped (1.6 M calls of `Value`'s drop on the minimal NixOS system).
    #[inline(always)]
    pub fn expect_int(&mut self, v: &Value, span: Option<Span>) -> EvalResult<i64> {
        if let Some(Value::Int(i)) = v.evaluated() {
            return Ok(*i);
        }
        self.force_int(v, span)
    }

    #[inline(never)]
    fn force_int(&mut self, v: &Value, span: Option<Span>) -> EvalResult<i64> {
        match self.force(v)? {
            Value::Int(i) => Ok(i),
            other => Err(crate::show_value::type_error("an integer", &other, span)),
        }
    }

    pub fn expect_function(&mut self, v: &Value, span: Option<Span>) -> EvalResult<Value> {
        let f = self.force(v)?;
        match &f {
            Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_) => Ok(f),
            Value::Attrs(a) if a.get_early(self.sym.functor).is_some() => Ok(f),
            other => Err(crate::show_value::type_error("a function", other, span)),
        }
    }

    /// A string without coercion (`forceString`): only strings are accepted.
    pub fn expect_string(&mut self, v: &Value, span: Option<Span>) -> EvalResult<Rc<NixString>> {
        match self.force(v)? {
            Value::String(s) => Ok(s),
            other => Err(crate::show_value::type_error("a string", &other, span)),
        }
    }
}

/// `x op y` of integers (`+`, `-`, `*`, `/`) when it is defined: `None` on overflow and
/// division by zero, which the slow paths report in Nix's words.
#[inline(always)]
pub(crate) fn int_arith(op: BinOpKind, x: i64, y: i64) -> Option<i64> {
    match op {
        BinOpKind::Add => x.checked_add(y),
        BinOpKind::Sub => x.checked_sub(y),
        BinOpKind::Mul => x.checked_mul(y),
        BinOpKind::Div if y != 0 => x.checked_div(y),
        _ => None,
    }
}

/// `prim_sub`, `prim_mul`, `prim_div`: a division checks its divisor first (`forceFloat`,
/// then `division by zero`); operands are then forced as floats when either is one,
/// else as integers.
fn check_operands(op: BinOpKind, l: &Value, r: &Value, span: Option<Span>) -> EvalResult<()> {
    let number = |v: &Value| matches!(v, Value::Int(_) | Value::Float(_));
    if op == BinOpKind::Div {
        if !number(r) {
            return Err(crate::show_value::type_error("a float", r, span));
        }
        if as_float(r) == 0.0 {
            bail!(span, "division by zero");
        }
    }
    let expected = if matches!(l, Value::Float(_)) || matches!(r, Value::Float(_)) {
        "a float"
    } else {
        "an integer"
    };
    for v in [l, r] {
        if !number(v) {
            bail!(span, "expected {expected} but found {}", crate::show_value::found(v));
        }
    }
    Ok(())
}

/// `==` of two evaluated strings, integers or booleans, answered in place (the common
/// case, `filter (x: x != e)`, and the leaves of lists and sets compared): without a call
/// of `eq_values`, whose frame and clones cost more than the comparison. `None` for
/// anything else.
#[inline(always)]
fn eq_evaluated_scalars(a: &Value, b: &Value) -> Option<bool> {
    match (a.evaluated()?, b.evaluated()?) {
        (Value::String(x), Value::String(y)) => Some(x.as_bytes() == y.as_bytes()),
        (Value::Int(x), Value::Int(y)) => Some(x == y),
        (Value::Bool(x), Value::Bool(y)) => Some(x == y),
        _ => None,
    }
}

pub fn as_float(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        _ => f64::NAN,
    }
}

/// `a // b`. A left operand nothing else refers to (an accumulator the lowerer let the
/// evaluator move, `eval_moving`) takes a small `b` in place: each new name is one shift
/// of the tail, where a copy touches every value's count twice.
pub(crate) fn update_sets(a: SetRef, b: SetRef) -> Value {
    if b.is_empty() {
        return Value::Attrs(a);
    }
    if a.is_empty() {
        return Value::Attrs(b);
    }
    stats::bump(Counter::OpUpdates, 1);
    let mut a = a;
    if b.len() <= IN_PLACE_UPDATE_MAX && a.update_in_place(&b) {
        stats::bump(Counter::OpUpdateValuesCopied, b.len() as u64);
        return Value::Attrs(a);
    }
    // A layer over one side (`attrset.rs`), which copies the other side's names, or a
    // merged copy of both (counted by its size, as Nix counts).
    let set = AttrSet::update_rc(&a, &b);
    let copied = if set.depth() > 0 { set.own_len() } else { set.len() };
    stats::bump(Counter::OpUpdateValuesCopied, copied as u64);
    Value::attrs_made(set)
}

/// Above this many attributes on the right, `//` merges into a new set even when it may
/// write into the left one: its shifts would cost more than one copy.
const IN_PLACE_UPDATE_MAX: usize = 16;

/// `a ++ b` ([`ListRef::concat`]: an operand nothing else refers to gives its elements
/// up, an unshared left one grows in place).
pub(crate) fn concat_lists(a: ListRef, b: ListRef) -> Value {
    if b.is_empty() {
        return Value::List(a);
    }
    if a.is_empty() {
        return Value::List(b);
    }
    stats::bump(Counter::ListConcats, 1);
    Value::List(ListRef::concat(a, b))
}

/// Where an operand of `+` that cannot be added is reported: at the operand itself, or
/// at its side of the operator when it has no span of its own.
fn add_operand_spans(b: &ast::BinOp) -> (Option<Span>, Option<Span>) {
    let (lspan, rspan) = b.operand_spans();
    (b.lhs.span().or(Some(lspan)), b.rhs.span().or(Some(rspan)))
}

/// The operators down the left operands of `b` while `link` holds (`b` first), and the
/// innermost of them, whose left operand starts the chain.
fn left_spine(
    b: &'static ast::BinOp,
    link: impl Fn(&ast::BinOp) -> bool,
) -> (smallvec::SmallVec<[&'static ast::BinOp; 16]>, &'static ast::BinOp) {
    let mut links: smallvec::SmallVec<[&'static ast::BinOp; 16]> = smallvec::smallvec![b];
    let mut first = b;
    while let Expr::BinOp(inner) = &first.lhs {
        if !link(inner) {
            break;
        }
        links.push(inner);
        first = inner;
    }
    (links, first)
}

/// An operator [`Evaluator::eval_chain`] may run in its loop: left-associative
/// arithmetic whose operand is not moved out of its frame.
#[inline(always)]
fn is_chain_link(b: &ast::BinOp) -> bool {
    matches!(b.op, BinOpKind::Add | BinOpKind::Sub | BinOpKind::Mul | BinOpKind::Div) && !b.move_lhs
}

/// The value of an operand that is a local variable, or a selection from one (`a.name`),
/// already evaluated, in place: reading it cannot fail or run anything, and comparing it
/// needs no reference-count raise and drop (each a write to a cold line in a `sort`).
#[inline(always)]
fn peek_operand<'a>(e: &Expr, env: &'a Env) -> Option<&'a Value> {
    match e {
        Expr::Select(sel) => crate::eval::select_local_in_place(sel, env),
        e => peek_local(e, env),
    }
}

/// The value of a local variable that is already evaluated, in place.
#[inline(always)]
pub(crate) fn peek_local<'a>(e: &Expr, env: &'a Env) -> Option<&'a Value> {
    let Expr::Var(ast::Var {
        kind: ast::VarKind::Local { depth, slot },
        ..
    }) = e
    else {
        return None;
    };
    match env.up(*depth).get(*slot)? {
        Value::Thunk(t) => match t.peek() {
            Peek::Done(v) => Some(v),
            _ => None,
        },
        v => Some(v),
    }
}
