//! `builtins.genericClosure`: a work list, and the keys seen so far.
//!
//! Nix keeps the keys in a `std::set` ordered by its `<`, so every insertion is
//! logarithmic. Here integer and string keys (nearly all real ones) are hashed; other
//! keys (floats, paths, lists) stay in a vector sorted with Nix's `<`. Keys of types
//! that cannot be compared fail as Nix's comparison does.

use crate::error::EvalResult;
use crate::value::Value;
use crate::{bail, Evaluator};
use rnix_eval_parser::Span;
use rustc_hash::FxHashSet;
use std::cmp::Ordering;

pub(super) fn generic_closure(ev: &mut Evaluator, a: &[Value], s: Option<Span>) -> EvalResult<Value> {
    let args = ev.expect_attrs(&a[0], s)?;
    let Some(start) = args.get(ev.sym.start_set).cloned() else {
        bail!(s, "attribute 'startSet' missing");
    };
    // Modern Nix's order: the start set is forced (an empty one is the result) before the
    // operator is looked up and checked to be a function.
    let start = ev.expect_list(&start, s)?;
    if start.is_empty() {
        return Ok(Value::List(start));
    }
    let mut work: std::collections::VecDeque<Value> = start.iter().cloned().collect();
    let Some(op) = args.get(ev.sym.operator).cloned() else {
        bail!(s, "attribute 'operator' missing");
    };
    let op = ev.expect_function(&op, s)?;
    let mut seen = KeySet::default();
    let mut result = Vec::new();
    let key_sym = ev.sym.key;
    while let Some(item) = work.pop_front() {
        let set = ev.expect_attrs(&item, s)?;
        let Some(key) = set.get(key_sym).cloned() else {
            bail!(s, "attribute 'key' missing");
        };
        let key = ev.force(&key)?;
        if !seen.insert(ev, key, s)? {
            continue;
        }
        result.push(item.clone());
        let next = ev.call(op.clone(), item, s)?;
        work.extend(ev.expect_list(&next, s)?.iter().cloned());
    }
    Ok(Value::list(result))
}

#[derive(Default)]
struct KeySet {
    ints: FxHashSet<i64>,
    strings: FxHashSet<Vec<u8>>,
    /// One integer and one string key, to compare a key of another type with (for
    /// Nix's `cannot compare` error).
    an_int: Option<Value>,
    a_string: Option<Value>,
    /// Every other key, sorted with Nix's `<`.
    others: Vec<Value>,
}

impl KeySet {
    /// Add a forced key; `false` if an equal key was there already.
    fn insert(&mut self, ev: &mut Evaluator, key: Value, s: Option<Span>) -> EvalResult<bool> {
        match &key {
            Value::Int(i) => {
                self.incomparable_with(ev, &key, &self.a_string.clone(), s)?;
                if self.ints.contains(i) || self.find_other(ev, &key, s)?.is_ok() {
                    return Ok(false);
                }
                self.ints.insert(*i);
                self.an_int.get_or_insert(key);
                Ok(true)
            }
            Value::String(text) => {
                self.incomparable_with(ev, &key, &self.an_int.clone(), s)?;
                if self.strings.contains(text.as_bytes()) || self.find_other(ev, &key, s)?.is_ok() {
                    return Ok(false);
                }
                self.strings.insert(text.as_bytes().to_vec());
                self.a_string.get_or_insert(key);
                Ok(true)
            }
            _ => {
                if let Value::Float(f) = key {
                    // `1 == 1.0` for Nix's comparison.
                    if f.fract() == 0.0 && f.abs() < 9.2e18 && self.ints.contains(&(f as i64)) {
                        return Ok(false);
                    }
                } else {
                    self.incomparable_with(ev, &key, &self.an_int.clone(), s)?;
                }
                self.incomparable_with(ev, &key, &self.a_string.clone(), s)?;
                match self.find_other(ev, &key, s)? {
                    Ok(_) => Ok(false),
                    Err(at) => {
                        self.others.insert(at, key);
                        Ok(true)
                    }
                }
            }
        }
    }

    /// Compare `key` with a key of another kind: an error unless they are comparable.
    fn incomparable_with(
        &self,
        ev: &mut Evaluator,
        key: &Value,
        other: &Option<Value>,
        s: Option<Span>,
    ) -> EvalResult<()> {
        if let Some(other) = other {
            ev.compare(key, other, s)?;
        }
        Ok(())
    }

    /// Binary search of `others` with Nix's comparison, new key first as
    /// `std::set::insert` compares (this decides which message a mismatch gets).
    fn find_other(&self, ev: &mut Evaluator, key: &Value, s: Option<Span>) -> EvalResult<Result<usize, usize>> {
        let (mut lo, mut hi) = (0, self.others.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match ev.compare(key, &self.others[mid], s)? {
                Ordering::Greater => lo = mid + 1,
                Ordering::Less => hi = mid,
                Ordering::Equal => return Ok(Ok(mid)),
            }
        }
        Ok(Err(lo))
    }
}
