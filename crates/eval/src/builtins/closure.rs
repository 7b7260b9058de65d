//! `builtins.genericClosure`: a work list, and the keys seen so far.
//!
//! Nix keeps the keys in a `std::set` ordered by its `<`, so every insertion is
//! logarithmic. Here integer and string keys (nearly all real ones) are hashed; other
//! keys (floats, paths, lists) stay in sorted chunks ordered with Nix's `<` (one sorted
//! vector made each insertion a move of all greater keys: 100,000 descending float keys
//! took 1.4 s against Nix's 0.12 s). Keys of types that cannot be compared fail as Nix's
//! comparison does.

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
    others: SortedKeys,
}

impl KeySet {
    /// Add a forced key; `false` if an equal key was there already.
    fn insert(&mut self, ev: &mut Evaluator, key: Value, s: Option<Span>) -> EvalResult<bool> {
        match &key {
            Value::Int(i) => {
                self.incomparable_with(ev, &key, &self.a_string.clone(), s)?;
                if self.ints.contains(i) || self.others.find(ev, &key, s)?.is_ok() {
                    return Ok(false);
                }
                self.ints.insert(*i);
                self.an_int.get_or_insert(key);
                Ok(true)
            }
            Value::String(text) => {
                self.incomparable_with(ev, &key, &self.an_int.clone(), s)?;
                if self.strings.contains(text.as_bytes()) || self.others.find(ev, &key, s)?.is_ok() {
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
                match self.others.find(ev, &key, s)? {
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
}

/// Keys in Nix's `<` order, in chunks of at most `2 * CHUNK` so that an insertion moves
/// at most one chunk. A position is (chunk, index in chunk).
#[derive(Default)]
struct SortedKeys {
    chunks: Vec<Vec<Value>>,
}

const CHUNK: usize = 256;

impl SortedKeys {
    /// Binary search with Nix's comparison, the new key first as `std::set::insert`
    /// compares (this decides which message a mismatch gets): first for the chunk whose
    /// last key is not less than `key`, then inside it. `Ok` if an equal key is there,
    /// else `Err` with where `key` goes.
    fn find(
        &self,
        ev: &mut Evaluator,
        key: &Value,
        s: Option<Span>,
    ) -> EvalResult<Result<(usize, usize), (usize, usize)>> {
        let (mut lo, mut hi) = (0, self.chunks.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            let last = self.chunks[mid].last().expect("chunks are never empty");
            match ev.compare(key, last, s)? {
                Ordering::Greater => lo = mid + 1,
                Ordering::Less => hi = mid,
                Ordering::Equal => return Ok(Ok((mid, self.chunks[mid].len() - 1))),
            }
        }
        if lo == self.chunks.len() {
            // Greater than every key (or none yet): at the end of the last chunk.
            let c = lo.saturating_sub(1);
            return Ok(Err((c, self.chunks.get(c).map_or(0, Vec::len))));
        }
        let chunk = &self.chunks[lo];
        let (mut i, mut j) = (0, chunk.len() - 1);
        while i < j {
            let mid = (i + j) / 2;
            match ev.compare(key, &chunk[mid], s)? {
                Ordering::Greater => i = mid + 1,
                Ordering::Less => j = mid,
                Ordering::Equal => return Ok(Ok((lo, mid))),
            }
        }
        Ok(Err((lo, i)))
    }

    /// Insert at a position `find` returned; a chunk grown to `2 * CHUNK` is halved.
    fn insert(&mut self, (c, i): (usize, usize), key: Value) {
        if self.chunks.is_empty() {
            self.chunks.push(vec![key]);
            return;
        }
        let chunk = &mut self.chunks[c];
        chunk.insert(i, key);
        if chunk.len() >= 2 * CHUNK {
            let upper = chunk.split_off(CHUNK);
            self.chunks.insert(c + 1, upper);
        }
    }
}
