//! List builtins. Element-wise results (`map`, `genList`) stay lazy, as in Nix.

use crate::error::EvalResult;
use crate::primops::PrimOpDef;
use crate::repeat::Repeated;
use crate::value::{Attr, AttrSet, ListBuilder, ListRef, Temp, Value};
use crate::{bail, prim, Evaluator};
use rnix_eval_parser::Span;

pub(super) static PRIMOPS: &[PrimOpDef] = &[
    prim!(global "map", 2, map),
    prim!("filter", 2, filter),
    prim!("foldl'", 3, foldl_strict),
    prim!("genList", 2, gen_list),
    prim!("length", 1, |ev, a, s| Ok(Value::Int(
        ev.expect_list(&a[0], s)?.len() as i64
    ))),
    prim!("head", 1, |ev, a, s| {
        let l = ev.expect_list(&a[0], s)?;
        match l.first() {
            Some(v) => ev.force(v),
            None => bail!(s, "'builtins.head' called on an empty list"),
        }
    }),
    prim!("tail", 1, |ev, a, s| {
        let l = ev.expect_list(&a[0], s)?;
        if l.is_empty() {
            bail!(s, "'builtins.tail' called on an empty list");
        }
        Ok(Value::List(ListRef::collect(l[1..].iter().cloned())))
    }),
    prim!("elemAt", 2, |ev, a, s| {
        // The index is forced first, as Nix's `prim_elemAt` does.
        let n = ev.expect_int(&a[1], s)?;
        let l = ev.expect_list(&a[0], s)?;
        match usize::try_from(n).ok().and_then(|n| l.get(n)) {
            Some(v) => ev.force(v),
            None => bail!(
                s,
                "'builtins.elemAt' called with index {n} on a list of size {}",
                l.len()
            ),
        }
    }),
    prim!("elem", 2, elem),
    prim!("concatLists", 1, concat_lists),
    prim!("concatMap", 2, concat_map),
    prim!("all", 2, |ev, a, s| any_all(ev, a, s, false)),
    prim!("any", 2, |ev, a, s| any_all(ev, a, s, true)),
    prim!("sort", 2, super::sort::sort),
    prim!("partition", 2, partition),
    prim!("genericClosure", 1, super::closure::generic_closure),
];

/// Modern Nix checks the function when the list is not empty (`prim_map`).
fn map(ev: &mut Evaluator, a: &[Value], s: Option<Span>) -> EvalResult<Value> {
    let l = ev.expect_list(&a[1], s)?;
    if l.is_empty() {
        return Ok(Value::List(l));
    }
    ev.expect_function(&a[0], s)?;
    Ok(Value::List(ListRef::collect(
        l.iter().map(|x| Value::apply_thunk(a[0].clone(), x.clone())),
    )))
}

fn filter(ev: &mut Evaluator, a: &[Value], s: Option<Span>) -> EvalResult<Value> {
    let l = ev.expect_list(&a[1], s)?;
    if l.is_empty() {
        return Ok(Value::List(l));
    }
    let f = ev.expect_function(&a[0], s)?;
    let mut out = ListBuilder::with_capacity(0);
    let mut calls = Repeated::default();
    for x in l.iter() {
        let keep = Temp::new(ev.call_again(&mut calls, &f, x.clone(), s)?);
        if ev.expect_bool(&keep, s)? {
            out.push(x.clone());
        }
    }
    if out.len() == l.len() {
        return Ok(Value::List(l));
    }
    Ok(Value::List(out.finish()))
}

fn foldl_strict(ev: &mut Evaluator, a: &[Value], s: Option<Span>) -> EvalResult<Value> {
    let f = ev.expect_function(&a[0], s)?;
    let l = ev.expect_list(&a[2], s)?;
    if l.is_empty() {
        return ev.force(&a[1]);
    }
    let mut acc = a[1].clone();
    let mut calls = Repeated::default();
    for x in l.iter() {
        let r = ev.call2_again(&mut calls, &f, acc, x.clone(), s)?;
        acc = if let Value::Thunk(_) = r { ev.force(&r)? } else { r };
    }
    Ok(acc)
}

fn gen_list(ev: &mut Evaluator, a: &[Value], s: Option<Span>) -> EvalResult<Value> {
    let n = ev.expect_int(&a[1], s)?;
    if n < 0 {
        bail!(s, "cannot create list of size {n}");
    }
    crate::memory::ensure_fits(n as usize, std::mem::size_of::<Value>(), s)?;
    // Checked now (`prim_genList`), called when an element is forced.
    ev.expect_function(&a[0], s)?;
    Ok(Value::List(ListRef::collect(
        (0..n as usize).map(|i| Value::apply_int_thunk(&a[0], i as i64)),
    )))
}

/// `elem` is hot in nixpkgs (membership in lists of names): evaluated strings and
/// integers are compared in place, without cloning them out of their cells.
fn elem(ev: &mut Evaluator, a: &[Value], s: Option<Span>) -> EvalResult<Value> {
    let l = ev.expect_list(&a[1], s)?;
    if l.is_empty() {
        // Nix compares element by element: with none, the needle is never forced.
        return Ok(Value::Bool(false));
    }
    let needle = ev.force(&a[0])?;
    for item in l.iter() {
        let quick = match item {
            Value::Thunk(t) => match t.peek() {
                crate::value::Peek::Done(v) => scalar_eq(&needle, v),
                _ => None,
            },
            v => scalar_eq(&needle, v),
        };
        let equal = match quick {
            Some(eq) => eq,
            None => ev.eq_values(&a[0], item, true)?,
        };
        if equal {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

/// `==` on two strings or two integers; `None` for anything else.
fn scalar_eq(x: &Value, y: &Value) -> Option<bool> {
    match (x, y) {
        (Value::String(p), Value::String(q)) => Some(p.as_bytes() == q.as_bytes()),
        (Value::Int(p), Value::Int(q)) => Some(p == q),
        _ => None,
    }
}

fn concat_lists(ev: &mut Evaluator, a: &[Value], s: Option<Span>) -> EvalResult<Value> {
    let lists = ev.expect_list(&a[0], s)?;
    let parts = lists
        .iter()
        .map(|l| ev.expect_list(l, s))
        .collect::<EvalResult<Vec<_>>>()?;
    // One non-empty list is the result as it is; otherwise one exact allocation.
    let mut non_empty = parts.iter().filter(|p| !p.is_empty());
    if let (Some(only), None) = (non_empty.next(), non_empty.next()) {
        return Ok(Value::List(only.clone()));
    }
    let total = parts.iter().map(|p| p.len()).sum();
    crate::memory::ensure_fits(total, std::mem::size_of::<Value>(), s)?;
    let mut out = ListBuilder::with_capacity(total);
    for p in parts {
        out.extend_from(p);
    }
    Ok(Value::List(out.finish()))
}

fn concat_map(ev: &mut Evaluator, a: &[Value], s: Option<Span>) -> EvalResult<Value> {
    let f = ev.expect_function(&a[0], s)?;
    let l = ev.expect_list(&a[1], s)?;
    let mut out = ListBuilder::with_capacity(0);
    let mut calls = Repeated::default();
    for x in l.iter() {
        let r = ev.call_again(&mut calls, &f, x.clone(), s)?;
        let part = ev.expect_list(&r, s)?;
        drop(r);
        out.extend_from(part);
    }
    Ok(Value::List(out.finish()))
}

fn any_all(ev: &mut Evaluator, a: &[Value], s: Option<Span>, any: bool) -> EvalResult<Value> {
    let f = ev.expect_function(&a[0], s)?;
    let l = ev.expect_list(&a[1], s)?;
    let mut calls = Repeated::default();
    for x in l.iter() {
        let r = Temp::new(ev.call_again(&mut calls, &f, x.clone(), s)?);
        if ev.expect_bool(&r, s)? == any {
            return Ok(Value::Bool(any));
        }
    }
    Ok(Value::Bool(!any))
}

fn partition(ev: &mut Evaluator, a: &[Value], s: Option<Span>) -> EvalResult<Value> {
    let f = ev.expect_function(&a[0], s)?;
    let l = ev.expect_list(&a[1], s)?;
    let (mut right, mut wrong) = (Vec::new(), Vec::new());
    let mut calls = Repeated::default();
    for x in l.iter() {
        // Nix forces each element before calling the predicate on it.
        ev.force(x)?;
        let r = Temp::new(ev.call_again(&mut calls, &f, x.clone(), s)?);
        if ev.expect_bool(&r, s)? {
            right.push(x.clone());
        } else {
            wrong.push(x.clone());
        }
    }
    Ok(Value::attrs(AttrSet::from_unsorted(vec![
        Attr {
            name: ev.sym.right,
            value: Value::list(right),
            pos: None,
        },
        Attr {
            name: ev.sym.wrong,
            value: Value::list(wrong),
            pos: None,
        },
    ])))
}
