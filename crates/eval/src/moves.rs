//! `++` and `//` whose operand is a lambda parameter the lowerer found read nowhere
//! else (`rnix_eval_parser::moves`): the list or set leaves its frame slot, so that the
//! operator can reuse its block, or take its elements without raising and then dropping
//! each one's count.
//!
//! A slot is emptied only when no thunk or closure shares a frame from the expression's
//! up to the parameter's ([`Env::take_unshared`]): then nothing can evaluate the
//! expression again in that frame. An operand taken before the other is evaluated goes
//! back into its slot if that fails, so the error is the ordinary one.

use crate::env::Env;
use crate::error::EvalResult;
use crate::ops::{concat_lists, update_sets};
use crate::value::{release, ListRef, Value};
use crate::Evaluator;
use rnix_eval_parser::ast::{self, BinOpKind, Expr};

/// The frame depth and slot of a local variable.
fn local(e: &Expr) -> Option<(u32, u32)> {
    match e {
        Expr::Var(ast::Var {
            kind: ast::VarKind::Local { depth, slot },
            ..
        }) => Some((*depth, *slot)),
        _ => None,
    }
}

impl Evaluator {
    /// `acc ++ e` or `acc // e` with `acc` marked (`move_lhs`) and evaluated: its list or
    /// set is moved out of its slot; a list is then appended to in place, a set nothing
    /// else holds takes `e`'s few attributes in place. `None`: not taken (the ordinary
    /// path runs).
    #[inline(never)]
    pub(crate) fn eval_moving(&mut self, b: &'static ast::BinOp, env: &Env) -> Option<EvalResult<Value>> {
        let (depth, slot) = local(&b.lhs)?;
        let l = env.take_unshared(depth, slot)?;
        if !matches!(
            (b.op, &l),
            (BinOpKind::Concat, Value::List(_)) | (BinOpKind::Update, Value::Attrs(_))
        ) {
            env.put_back(depth, slot, l);
            return None;
        }
        match self.eval(&b.rhs, env) {
            Ok(r) => match (l, r) {
                (Value::List(a), Value::List(r)) => Some(Ok(concat_lists(a, r))),
                (Value::Attrs(a), Value::Attrs(r)) => Some(Ok(update_sets(a, r))),
                (l, r) => {
                    env.put_back(depth, slot, l.clone());
                    Some(self.binop_values(b.op, &l, &r, Some(b.span)))
                }
            },
            Err(e) => {
                env.put_back(depth, slot, l);
                Some(Err(e))
            }
        }
    }

    /// `l ++ r`, left operand first. A marked right operand (`move_rhs`) already
    /// evaluated is taken from its slot before the left one is evaluated (unobservable:
    /// taking it runs nothing). A marked operand still a thunk is evaluated in its slot as
    /// usual, and the slot emptied afterwards: when the thunk was the list's only other
    /// holder, `concat_lists` then owns the list and moves its elements.
    #[inline(never)]
    pub(crate) fn eval_concat(&mut self, b: &'static ast::BinOp, env: &Env) -> EvalResult<Value> {
        let taken = if b.move_rhs { take_list(&b.rhs, env) } else { None };
        let l = match self.eval(&b.lhs, env) {
            Ok(l) => l,
            Err(e) => {
                put_back(&b.rhs, env, taken);
                return Err(e);
            }
        };
        let r = match taken {
            Some(r) => Value::List(r),
            None => self.eval(&b.rhs, env)?,
        };
        if b.move_lhs {
            empty_slot(&b.lhs, env);
        }
        if b.move_rhs {
            empty_slot(&b.rhs, env);
        }
        match (l, r) {
            (Value::List(a), Value::List(r)) => Ok(concat_lists(a, r)),
            (l, r) => self.binop_values(BinOpKind::Concat, &l, &r, Some(b.span)),
        }
    }
}

/// The evaluated list in the slot of the local variable `e`, taken out when nothing
/// else can read the slot.
fn take_list(e: &Expr, env: &Env) -> Option<ListRef> {
    let (depth, slot) = local(e)?;
    match env.take_unshared(depth, slot)? {
        Value::List(list) => Some(list),
        other => {
            env.put_back(depth, slot, other);
            None
        }
    }
}

/// Undo [`take_list`].
fn put_back(e: &Expr, env: &Env, taken: Option<ListRef>) {
    if let (Some(list), Some((depth, slot))) = (taken, local(e)) {
        env.put_back(depth, slot, Value::List(list));
    }
}

/// Drop what the slot of the local variable `e` holds, once its only read is done.
fn empty_slot(e: &Expr, env: &Env) {
    if let Some((depth, slot)) = local(e) {
        if let Some(v) = env.take_unshared(depth, slot) {
            release(v);
        }
    }
}
