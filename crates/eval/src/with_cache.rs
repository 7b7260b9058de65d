//! The last answer of each `with`-resolved variable, by its AST node (`eval.rs`,
//! `lookup_var`), and what it was found through: the innermost `with` frame, and the
//! namespaces searched, the last of which had the name. The same frame means the same
//! chain of namespaces, so the same answer: one compare for a function defined under
//! `with`s and called in a loop. From another frame, sets never changing, a namespace met
//! again at the same `with` needs no search (a miss before the one that had the name, the
//! remembered value at it), and only a namespace that is not the remembered one is
//! searched. So a fresh set in the chain (the `with { inherit x; };` of each call) costs a
//! search of that set alone, where keying answers by the frame only made every call of
//! such a function, or of one opening `with pkgs; with lib;`, search the whole chain
//! (`benches/programs/with-lib`: 4,016 -> 3,814 M instructions). Holding the frame and
//! the sets keeps their addresses from being reused while the entry stands.
//!
//! Direct-mapped: one entry a slot, overwritten on a collision. A hash map's probe cost a
//! `with`-heavy loop (`benches/programs/scopes`) 13% of its time, and it kept an entry,
//! with its frame and value, for every variable ever looked up.

use crate::env::Env;
use crate::value::{SetRef, Value};
use rnix_eval_parser::ast;

const SLOTS_LOG2: u32 = 12;

/// A name found past this many `with`s is remembered by the frame only.
const MAX_LEVELS: usize = 4;

#[derive(Default)]
pub(crate) struct WithCache {
    entries: Vec<Entry>,
}

/// The fields a lookup reads come first, in the entry's first cache line.
#[repr(C)]
struct Entry {
    /// Null in an empty slot.
    var: *const ast::Var,
    /// The innermost `with` frame of the lookup remembered: the same frame means the
    /// same chain of namespaces, which is all a function defined under nested `with`s
    /// and called in a loop needs to check.
    frame: Option<Env>,
    /// The namespaces of the `with`s searched (their addresses, innermost first):
    /// `ids[found]` had the name.
    ids: [*const (); MAX_LEVELS],
    /// `usize::MAX` when the name was found past `MAX_LEVELS` (known by the frame only).
    found: usize,
    value: Value,
    /// Lookups of `var` the entry could not answer since it was written.
    misses: u32,
    /// The sets of `ids`, held.
    held: Vec<SetRef>,
}

impl Default for Entry {
    fn default() -> Entry {
        Entry {
            var: std::ptr::null(),
            frame: None,
            ids: [std::ptr::null(); MAX_LEVELS],
            found: 0,
            value: Value::Null,
            misses: 0,
            held: Vec::new(),
        }
    }
}

impl Entry {
    /// The answer for `var` (this entry's) from another chain of `with` frames, whose
    /// innermost one is `first`: namespaces met again are not searched.
    #[inline(never)]
    fn walk(&self, var: &ast::Var, first: &Env, depths: &[ast::WithFrame]) -> Option<Value> {
        if self.found == usize::MAX {
            return None;
        }
        // `Env::frames_at` from `first`, written out: the iterator, walking from the
        // variable's own frame again, cost `with-lib` 2.3% more instructions.
        let (mut frame, mut at) = (first, depths[0].depth);
        for (level, with) in depths.iter().enumerate() {
            frame = frame.up(with.depth - at);
            at = with.depth;
            let set = evaluated_namespace(frame)?;
            if level <= self.found && SetRef::as_ptr(set) == self.ids[level] {
                if level == self.found {
                    return Some(self.value.clone());
                }
            } else if let Some(a) = set.get_attr_hinted(var.name, &with.hint) {
                return Some(a.value.clone());
            }
        }
        None
    }
}

/// A variable whose chain keeps changing (a `with` of a new set inside a loop body, the
/// set having the name) would replace its entry at every lookup: after a miss, the entry
/// is replaced only every `REPLACE_EVERY` misses, which spares those lookups a clone of
/// the sets and the value (4.6% of `benches/programs/with-lib`), and still follows a
/// variable to a new chain soon.
const REPLACE_EVERY: u32 = 8;

#[inline(always)]
fn slot(var: *const ast::Var) -> usize {
    // Fibonacci hashing of the node's address: nodes are allocated close together.
    ((var as usize as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SLOTS_LOG2)) as usize
}

/// The namespace of the `with` frame `frame` if it is an evaluated set.
#[inline(always)]
pub(crate) fn evaluated_namespace(frame: &Env) -> Option<&SetRef> {
    match frame.get(0)?.evaluated()? {
        Value::Attrs(set) => Some(set),
        _ => None,
    }
}

impl WithCache {
    /// `var`'s value if the cache and the namespaces that differ from the remembered
    /// ones tell it without forcing anything; `None` leaves it to a search. The same
    /// frame is checked here, inlined in the interpreter's loop; other frames out of line.
    #[inline(always)]
    pub(crate) fn get(&self, var: &'static ast::Var, env: &Env, depths: &[ast::WithFrame]) -> Option<Value> {
        let e = self.entries.get(slot(var))?;
        if !std::ptr::eq(e.var, var) {
            return None;
        }
        let first = env.up(depths[0].depth);
        if e.frame.as_ref().is_some_and(|f| f.ptr_eq(first)) {
            return Some(e.value.clone());
        }
        // Found in the innermost namespace (`with lib;` opened by each call of a function).
        if e.found == 0 && evaluated_namespace(first).is_some_and(|set| SetRef::as_ptr(set) == e.ids[0]) {
            return Some(e.value.clone());
        }
        e.walk(var, first, depths)
    }

    /// Remember `value`, found for `var` at its `found`-th `with` (innermost 0), whose
    /// namespace and those before it are evaluated sets.
    #[inline(never)]
    pub(crate) fn remember(
        &mut self,
        var: &'static ast::Var,
        env: &Env,
        depths: &[ast::WithFrame],
        found: usize,
        value: &Value,
    ) {
        if self.entries.is_empty() {
            self.entries.resize_with(1 << SLOTS_LOG2, Entry::default);
        }
        let e = &mut self.entries[slot(var)];
        if std::ptr::eq(e.var, var) {
            e.misses += 1;
            if !e.misses.is_multiple_of(REPLACE_EVERY) {
                return;
            }
        }
        let mut ids = [std::ptr::null(); MAX_LEVELS];
        let mut held = Vec::new();
        if found < MAX_LEVELS {
            for (id, (frame, _)) in ids.iter_mut().zip(env.frames_at(&depths[..=found])) {
                let Some(set) = evaluated_namespace(frame) else { return };
                *id = SetRef::as_ptr(set);
                held.push(set.clone());
            }
        }
        *e = Entry {
            var,
            frame: Some(env.up(depths[0].depth).clone()),
            ids,
            found: if found < MAX_LEVELS { found } else { usize::MAX },
            value: value.clone(),
            misses: 0,
            held,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attrset::Attr;
    use rnix_eval_parser::Symbol;

    fn set(names: &[(&str, i64)]) -> SetRef {
        let attrs = names.iter().map(|(n, v)| Attr {
            name: Symbol::intern(n),
            value: Value::Int(*v),
            pos: None,
        });
        SetRef::collect(names.len(), attrs, false)
    }

    /// The frames of `with sets[0]; with sets[1]; ...`: the innermost one.
    fn frames(sets: &[&SetRef]) -> Env {
        let mut env = None;
        for set in sets {
            let frame = Env::new(env, 1);
            frame.set(0, Value::Attrs((*set).clone()));
            env = Some(frame);
        }
        env.expect("one set at least")
    }

    /// `with outer; with inner; name`.
    fn chain(outer: &SetRef, inner: &SetRef) -> Env {
        frames(&[outer, inner])
    }

    fn var_under(withs: u32) -> &'static ast::Var {
        Box::leak(Box::new(ast::Var {
            name: Symbol::intern("x"),
            kind: ast::VarKind::With((0..withs).map(ast::WithFrame::new).collect()),
            span: rnix_eval_parser::Span {
                file: rnix_eval_parser::source::FileId::DETACHED,
                start: 0,
                end: 0,
            },
        }))
    }

    fn int(v: Option<Value>) -> Option<i64> {
        match v? {
            Value::Int(i) => Some(i),
            _ => panic!("not an int"),
        }
    }

    #[test]
    fn answers_from_the_remembered_namespaces_and_searches_the_others() {
        let var = var_under(2);
        let ast::VarKind::With(depths) = &var.kind else {
            unreachable!()
        };
        // The cached value is distinct from the set's, so a hit is told from a search.
        let (outer, inner) = (set(&[("x", 1)]), set(&[("y", 2)]));
        let env = chain(&outer, &inner);
        let mut cache = WithCache::default();
        assert!(cache.get(var, &env, depths).is_none());
        cache.remember(var, &env, depths, 1, &Value::Int(10));
        assert_eq!(int(cache.get(var, &env, depths)), Some(10));
        // A new inner namespace without the name: searched, then the remembered answer.
        let env2 = chain(&outer, &set(&[("z", 3)]));
        assert_eq!(int(cache.get(var, &env2, depths)), Some(10));
        // A new inner namespace with the name answers, not the cache.
        let env3 = chain(&outer, &set(&[("x", 4)]));
        assert_eq!(int(cache.get(var, &env3, depths)), Some(4));
        // A new outer namespace is searched: the name there, or no answer.
        let env4 = chain(&set(&[("x", 5)]), &inner);
        assert_eq!(int(cache.get(var, &env4, depths)), Some(5));
        let env5 = chain(&set(&[("w", 6)]), &inner);
        assert!(cache.get(var, &env5, depths).is_none());
        // A namespace not evaluated yet: no answer.
        let o = Env::new(None, 1);
        o.set(0, Value::Attrs(outer.clone()));
        let lazy = Env::new(Some(o), 1);
        lazy.set(
            0,
            Value::Thunk(crate::value::Thunk::new(crate::value::ThunkState::Blackhole)),
        );
        assert!(cache.get(var, &lazy, depths).is_none());
        // Another chain takes the entry over after `REPLACE_EVERY` lookups it missed.
        for _ in 1..REPLACE_EVERY {
            cache.remember(var, &env4, depths, 1, &Value::Int(20));
        }
        assert_eq!(int(cache.get(var, &env, depths)), Some(10));
        cache.remember(var, &env4, depths, 1, &Value::Int(20));
        assert_eq!(int(cache.get(var, &env4, depths)), Some(20));
        assert_eq!(int(cache.get(var, &env, depths)), Some(1));
    }

    #[test]
    fn past_max_levels_only_the_same_frame_answers() {
        let var = var_under(MAX_LEVELS as u32 + 1);
        let ast::VarKind::With(depths) = &var.kind else {
            unreachable!()
        };
        let empty = set(&[]);
        let outer = set(&[("x", 1)]);
        let mut sets = vec![&outer];
        sets.extend(std::iter::repeat_n(&empty, MAX_LEVELS));
        let env = frames(&sets);
        let mut cache = WithCache::default();
        cache.remember(var, &env, depths, MAX_LEVELS, &Value::Int(10));
        assert_eq!(int(cache.get(var, &env, depths)), Some(10));
        assert!(cache.get(var, &frames(&sets), depths).is_none());
    }
}
