//! `sort`: libstdc++'s `std::stable_sort`, which Nix uses, step for step.
//!
//! Following the same algorithm (insertion sort on chunks of 7, then buffered merges,
//! then one final adaptive merge of the two halves) means the comparator is called on
//! the same pairs in the same order as in Nix. So a comparator that is not a strict weak
//! order gives Nix's result, and the first failing comparison (a type error, a `throw`)
//! is the one Nix reports. Every index move is bounds-checked: a bad comparator can
//! only produce some permutation, never a crash or a loop, and the cost stays
//! O(n log n) comparisons.

use crate::error::EvalResult;
use crate::repeat::Repeated;
use crate::value::{Temp, Value};
use crate::Evaluator;
use rnix_eval_parser::Span;

const CHUNK: usize = 7;

type Less<'a, T> = dyn FnMut(&T, &T) -> EvalResult<bool> + 'a;

pub(super) fn sort(ev: &mut Evaluator, a: &[Value], s: Option<Span>) -> EvalResult<Value> {
    let list = ev.expect_list(&a[1], s)?;
    if list.is_empty() {
        return Ok(Value::List(list));
    }
    let f = ev.expect_function(&a[0], s)?;
    // As in Nix, `builtins.lessThan` is applied directly, to the forced values.
    let direct = matches!(&f, Value::PrimOp(op) if op.name == "lessThan");
    // Nix forces every element before sorting.
    let mut forced = Vec::with_capacity(if direct { list.len() } else { 0 });
    for x in list.iter() {
        let v = ev.force(x)?;
        if direct {
            forced.push(v);
        }
    }
    // Positions are sorted, not values: a merge moves a word instead of raising and
    // dropping a count, and the comparison reads the forced value without going through
    // the element's cell (sorting 300,000 integers: 1.0-1.8x Nix's time before). The
    // result holds the elements themselves, not their forced copies: a thunk cell stays
    // the same cell, which `==` of lists compares by identity (functions) as Nix does.
    let mut order: Vec<usize> = (0..list.len()).collect();
    let mut calls = Repeated::default();
    let mut less = |&i: &usize, &j: &usize| -> EvalResult<bool> {
        if direct {
            let (x, y) = (&forced[i], &forced[j]);
            return Ok(match (x, y) {
                (Value::Int(x), Value::Int(y)) => x < y,
                (Value::String(x), Value::String(y)) => x.as_bytes() < y.as_bytes(),
                _ => ev.compare(x, y, s)? == std::cmp::Ordering::Less,
            });
        }
        let r = Temp::new(ev.call2_again(&mut calls, &f, list[i].clone(), list[j].clone(), s)?);
        ev.expect_bool(&r, s)
    };
    stable_sort(&mut order, &mut less)?;
    Ok(Value::List(crate::value::ListRef::collect(
        order.iter().map(|&i| list[i].clone()),
    )))
}

/// `std::stable_sort` with a buffer of `(len + 1) / 2` (the allocation never fails here).
pub(crate) fn stable_sort<T: Clone>(v: &mut [T], less: &mut Less<T>) -> EvalResult<()> {
    let len = v.len();
    if len == 0 {
        return Ok(());
    }
    let middle = len.div_ceil(2);
    let mut buf: Vec<T> = Vec::with_capacity(middle);
    merge_sort_with_buffer(&mut v[..middle], &mut buf, less)?;
    merge_sort_with_buffer(&mut v[middle..], &mut buf, less)?;
    merge_adaptive(v, middle, &mut buf, less)
}

/// `__insertion_sort`: an element less than the first goes to the front; others move
/// left while less than their neighbour (stopping at the front, where libstdc++'s
/// unguarded loop relies on the comparator being consistent).
fn insertion_sort<T>(v: &mut [T], less: &mut Less<T>) -> EvalResult<()> {
    for i in 1..v.len() {
        if less(&v[i], &v[0])? {
            v[..=i].rotate_right(1);
            continue;
        }
        let mut j = i;
        while j > 0 && less(&v[j], &v[j - 1])? {
            v.swap(j, j - 1);
            j -= 1;
        }
    }
    Ok(())
}

/// `__move_merge` of `a` and `b` into `out`: take from `b` only when strictly less.
fn move_merge<T: Clone>(a: &[T], b: &[T], out: &mut Vec<T>, less: &mut Less<T>) -> EvalResult<()> {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if less(&b[j], &a[i])? {
            out.push(b[j].clone());
            j += 1;
        } else {
            out.push(a[i].clone());
            i += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    Ok(())
}

/// `__merge_sort_loop`: merge neighbouring runs of `step` from `src` into `dst`.
fn merge_sort_loop<T: Clone>(src: &[T], dst: &mut Vec<T>, step: usize, less: &mut Less<T>) -> EvalResult<()> {
    dst.clear();
    let mut rest = src;
    while rest.len() >= 2 * step {
        move_merge(&rest[..step], &rest[step..2 * step], dst, less)?;
        rest = &rest[2 * step..];
    }
    let step = step.min(rest.len());
    move_merge(&rest[..step], &rest[step..], dst, less)
}

/// `__merge_sort_with_buffer`: chunked insertion sort, then merges back and forth.
fn merge_sort_with_buffer<T: Clone>(v: &mut [T], buf: &mut Vec<T>, less: &mut Less<T>) -> EvalResult<()> {
    let len = v.len();
    for chunk in v.chunks_mut(CHUNK) {
        insertion_sort(chunk, less)?;
    }
    let mut step = CHUNK;
    let mut tmp = Vec::with_capacity(len);
    while step < len {
        merge_sort_loop(v, buf, step, less)?;
        step *= 2;
        merge_sort_loop(buf, &mut tmp, step, less)?;
        v.clone_from_slice(&tmp);
        step *= 2;
    }
    Ok(())
}

/// `__merge_adaptive` with a buffer big enough for either half: a forward merge when
/// the first half is not longer, a backward merge otherwise.
fn merge_adaptive<T: Clone>(v: &mut [T], middle: usize, buf: &mut Vec<T>, less: &mut Less<T>) -> EvalResult<()> {
    let (len1, len2) = (middle, v.len() - middle);
    buf.clear();
    if len1 <= len2 {
        buf.extend_from_slice(&v[..middle]);
        let mut out = Vec::with_capacity(v.len());
        move_merge(buf, &v[middle..], &mut out, less)?;
        v.clone_from_slice(&out);
        return Ok(());
    }
    buf.extend_from_slice(&v[middle..]);
    if buf.is_empty() {
        return Ok(());
    }
    // `__move_merge_adaptive_backward`: fill from the end; on ties the element of
    // the second half (in `buf`) goes last.
    let first: Vec<T> = v[..middle].to_vec();
    let (mut l1, mut l2, mut out) = (first.len(), buf.len(), v.len());
    while l1 > 0 && l2 > 0 {
        out -= 1;
        if less(&buf[l2 - 1], &first[l1 - 1])? {
            v[out] = first[l1 - 1].clone();
            l1 -= 1;
        } else {
            v[out] = buf[l2 - 1].clone();
            l2 -= 1;
        }
    }
    // Whatever is left of the second half goes in front; the first half's rest is
    // already in place.
    v[..l1].clone_from_slice(&first[..l1]);
    v[l1..l1 + l2].clone_from_slice(&buf[..l2]);
    Ok(())
}
