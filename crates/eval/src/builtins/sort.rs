//! `sort`: modern Nix's PeekSort (`src/libutil/include/nix/util/sort.hh`), step for step.
//!
//! Nix 2.8 used libstdc++'s `std::stable_sort`; modern Nix replaced it with PeekSort, a
//! natural merge sort (Munro and Wild, 2018), because `std::stable_sort` is undefined
//! for comparators that are not strict weak orders. Following the same algorithm means
//! the comparator is called on the same pairs in the same order as in modern Nix, so a
//! comparator that is not a strict weak order gives its result, and the first failing
//! comparison (a type error, a `throw`) is the one it reports.
//!
//! PeekSort finds the runs already in order, so a list that is nearly sorted costs
//! about one comparison an element. The NixOS manual sorts its option list, which
//! `optionAttrSetToDocList` makes in attribute-name order, with `optionLess`: on a
//! minimal NixOS 20.09 system (9,603 options) that sort called the comparator 75,444
//! times with `std::stable_sort` and 56,848 times with PeekSort (the whole evaluation:
//! 9% fewer instructions). Every index move is bounds-checked: a bad comparator can only
//! produce some permutation, never a crash or a loop.

use crate::error::EvalResult;
use crate::repeat::Repeated;
use crate::value::{Temp, Value};
use crate::Evaluator;
use rnix_eval_parser::Span;

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
    peeksort(&mut order, &mut less)?;
    Ok(Value::List(crate::value::ListRef::collect(
        order.iter().map(|&i| list[i].clone()),
    )))
}

/// Runs shorter than this are sorted by insertion (as in Nix, libstdc++'s cut-off).
const INSERTION_SORT_THRESHOLD: usize = 16;

/// `peeksort`: sort `v` in place, stably.
pub(crate) fn peeksort<T: Copy + Default>(v: &mut [T], less: &mut Less<T>) -> EvalResult<()> {
    match v.len() {
        0 | 1 => Ok(()),
        2 => {
            if less(&v[1], &v[0])? {
                v.swap(0, 1);
            }
            Ok(())
        }
        n => {
            let mut buf = vec![T::default(); n];
            peeksort_runs(v, 0, n, 0, n, &mut buf, less)
        }
    }
}

/// `peeksortImpl`: sort `v[begin..end]`, where `v[begin..left_run_end]` and
/// `v[right_run_begin..end]` are already sorted runs.
fn peeksort_runs<T: Copy>(
    v: &mut [T],
    begin: usize,
    end: usize,
    left_run_end: usize,
    right_run_begin: usize,
    buf: &mut [T],
    less: &mut Less<T>,
) -> EvalResult<()> {
    if left_run_end == end || right_run_begin == begin {
        return Ok(());
    }
    let length = end - begin;
    if length <= INSERTION_SORT_THRESHOLD {
        return insertion_sort(&mut v[begin..end], less);
    }
    let middle = begin + length / 2;
    if middle <= left_run_end {
        peeksort_runs(v, left_run_end, end, left_run_end + 1, right_run_begin, buf, less)?;
        return merge_runs(v, begin, left_run_end, end, buf, less);
    }
    if middle >= right_run_begin {
        peeksort_runs(v, begin, right_run_begin, left_run_end, right_run_begin - 1, buf, less)?;
        return merge_runs(v, begin, right_run_begin, end, buf, less);
    }
    // The run containing `middle - 1`, extended both ways.
    let (i, j) = if !less(&v[middle], &v[middle - 1])? {
        let i = increasing_suffix(v, left_run_end, middle, less)?;
        (i, increasing_prefix(v, middle - 1, right_run_begin, less)?)
    } else {
        let i = decreasing_suffix(v, left_run_end, middle, less)?;
        let j = decreasing_prefix(v, middle - 1, right_run_begin, less)?;
        v[i..j].reverse();
        (i, j)
    };
    if i == begin && j == end {
        return Ok(());
    }
    // (`i - 1` is only formed for `i > begin`: `i == begin` means `left_run_end == begin`,
    // and that call returns at once whatever its last bound is.)
    if middle - i < j - middle {
        peeksort_runs(v, begin, i, left_run_end, i.saturating_sub(1), buf, less)?;
        peeksort_runs(v, i, end, j, right_run_begin, buf, less)?;
        merge_runs(v, begin, i, end, buf, less)
    } else {
        peeksort_runs(v, begin, j, left_run_end, i, buf, less)?;
        peeksort_runs(v, j, end, j + 1, right_run_begin, buf, less)?;
        merge_runs(v, begin, j, end, buf, less)
    }
}

/// `insertionsort`: each element moves left while less than its neighbour.
fn insertion_sort<T>(v: &mut [T], less: &mut Less<T>) -> EvalResult<()> {
    for current in 1..v.len() {
        let mut at = current;
        while at > 0 && less(&v[at], &v[at - 1])? {
            v.swap(at, at - 1);
            at -= 1;
        }
    }
    Ok(())
}

/// `strictlyDecreasingPrefix` (`weaklyIncreasingPrefix` with `negate`): the largest
/// `i <= end` such that `v[begin..i]` is strictly decreasing.
fn prefix_run<T>(v: &[T], mut begin: usize, end: usize, negate: bool, less: &mut Less<T>) -> EvalResult<usize> {
    if begin == end {
        return Ok(begin);
    }
    while begin + 1 != end && less(&v[begin + 1], &v[begin])? != negate {
        begin += 1;
    }
    Ok(begin + 1)
}

/// `strictlyDecreasingSuffix` (`weaklyIncreasingSuffix` with `negate`): the smallest
/// `i >= begin` such that `v[i..end]` is strictly decreasing.
fn suffix_run<T>(v: &[T], begin: usize, mut end: usize, negate: bool, less: &mut Less<T>) -> EvalResult<usize> {
    if begin == end {
        return Ok(end);
    }
    while end - 1 > begin && less(&v[end - 1], &v[end - 2])? != negate {
        end -= 1;
    }
    Ok(end - 1)
}

fn increasing_prefix<T>(v: &[T], begin: usize, end: usize, less: &mut Less<T>) -> EvalResult<usize> {
    prefix_run(v, begin, end, true, less)
}

fn decreasing_prefix<T>(v: &[T], begin: usize, end: usize, less: &mut Less<T>) -> EvalResult<usize> {
    prefix_run(v, begin, end, false, less)
}

fn increasing_suffix<T>(v: &[T], begin: usize, end: usize, less: &mut Less<T>) -> EvalResult<usize> {
    suffix_run(v, begin, end, true, less)
}

fn decreasing_suffix<T>(v: &[T], begin: usize, end: usize, less: &mut Less<T>) -> EvalResult<usize> {
    suffix_run(v, begin, end, false, less)
}

/// `mergeSortedRunsInPlace`: merge `v[begin..middle]` and `v[middle..end]` through
/// `buf`, taking from the right run only when it is strictly less (stable).
fn merge_runs<T: Copy>(
    v: &mut [T],
    begin: usize,
    middle: usize,
    end: usize,
    buf: &mut [T],
    less: &mut Less<T>,
) -> EvalResult<()> {
    let n = end - begin;
    buf[..n].copy_from_slice(&v[begin..end]);
    let split = middle - begin;
    let (mut left, mut right, mut out) = (0, split, begin);
    while left < split && right < n {
        if !less(&buf[right], &buf[left])? {
            v[out] = buf[left];
            left += 1;
        } else {
            v[out] = buf[right];
            right += 1;
        }
        out += 1;
    }
    v[out..out + split - left].copy_from_slice(&buf[left..split]);
    out += split - left;
    v[out..out + n - right].copy_from_slice(&buf[right..n]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (no dependency for one test).
    fn numbers(seed: u64, n: usize) -> Vec<u64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x % 100
            })
            .collect()
    }

    #[test]
    fn sorts_stably_like_a_stable_sort() {
        for n in [0, 1, 2, 3, 16, 17, 40, 500] {
            for seed in 1..20 {
                // Pairs of (key, position): stability shows in the positions.
                let mut v: Vec<(u64, usize)> = numbers(seed, n).into_iter().zip(0..).collect();
                let mut want = v.clone();
                want.sort_by_key(|p| p.0);
                peeksort(&mut v, &mut |a, b| Ok(a.0 < b.0)).unwrap();
                assert_eq!(v, want, "n = {n}, seed = {seed}");
            }
        }
    }

    #[test]
    fn an_inconsistent_comparator_gives_a_permutation() {
        for seed in 1..50 {
            let input = numbers(seed, 300);
            let mut v = input.clone();
            let mut coin = seed;
            peeksort(&mut v, &mut |_, _| {
                coin = coin.wrapping_mul(6364136223846793005).wrapping_add(1);
                Ok(coin >> 63 == 1)
            })
            .unwrap();
            let (mut a, mut b) = (input, v);
            a.sort();
            b.sort();
            assert_eq!(a, b);
        }
    }

    #[test]
    fn sorted_input_takes_one_comparison_an_element() {
        let mut v: Vec<u64> = (0..1000).collect();
        let mut calls = 0;
        peeksort(&mut v, &mut |a, b| {
            calls += 1;
            Ok(a < b)
        })
        .unwrap();
        assert!(calls < 1100, "{calls} comparisons");
    }
}
