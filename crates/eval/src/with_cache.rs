//! The last answer of each `with`-resolved variable, by its AST node, with the innermost
//! `with` frame it was looked up from: the same frame means the same chain of evaluated
//! namespaces, so the same answer (`eval.rs`, `lookup_var`). A variable under a single
//! `with` is keyed by the namespace itself instead: its answer depends on nothing else,
//! and a function opening `with lib;` or `with pkgs;` makes a new frame at every call
//! over the same set. Holding the frame or set keeps its address from being reused while
//! the entry stands.
//!
//! Direct-mapped: one entry a slot, overwritten on a collision. A hash map's probe cost a
//! `with`-heavy loop (`benches/programs/scopes`) 13% of its time, and it kept an entry,
//! with its frame and value, for every variable ever looked up.

use crate::env::Env;
use crate::value::{SetRef, Value};
use rnix_eval_parser::ast;

const SLOTS_LOG2: u32 = 12;

#[derive(Default)]
pub(crate) struct WithCache {
    entries: Vec<Option<Entry>>,
}

/// What an answer was found from: the innermost `with` frame, or the one namespace.
#[derive(Clone, Copy)]
pub(crate) enum Scope<'a> {
    Frame(&'a Env),
    Namespace(&'a SetRef),
}

enum Held {
    Frame(Env),
    Namespace(SetRef),
}

impl Held {
    #[inline(always)]
    fn is(&self, scope: Scope) -> bool {
        match (self, scope) {
            (Held::Frame(f), Scope::Frame(g)) => f.ptr_eq(g),
            (Held::Namespace(s), Scope::Namespace(t)) => SetRef::ptr_eq(s, t),
            _ => false,
        }
    }
}

struct Entry {
    var: *const ast::Var,
    scope: Held,
    value: Value,
    /// Lookups of `var` from other frames since this entry was written.
    misses: u32,
}

/// A variable looked up from a new frame each time (a `with` inside a loop body) never
/// hits: after a miss, its entry is replaced only every `REPLACE_EVERY` misses, which
/// spares those lookups a clone of the frame and the value (4.6% of
/// `benches/programs/with-lib`), and still follows a variable to a new frame soon.
const REPLACE_EVERY: u32 = 8;

#[inline(always)]
fn slot(var: *const ast::Var) -> usize {
    // Fibonacci hashing of the node's address: nodes are allocated close together.
    ((var as usize as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SLOTS_LOG2)) as usize
}

impl WithCache {
    #[inline(always)]
    pub(crate) fn get(&self, var: &'static ast::Var, scope: Scope) -> Option<Value> {
        match self.entries.get(slot(var))? {
            Some(e) if std::ptr::eq(e.var, var) && e.scope.is(scope) => Some(e.value.clone()),
            _ => None,
        }
    }

    #[inline]
    pub(crate) fn remember(&mut self, var: &'static ast::Var, scope: Scope, value: &Value) {
        if self.entries.is_empty() {
            self.entries.resize_with(1 << SLOTS_LOG2, || None);
        }
        let entry = &mut self.entries[slot(var)];
        if let Some(e) = entry {
            if std::ptr::eq(e.var, var) {
                e.misses += 1;
                if e.misses % REPLACE_EVERY != 0 {
                    return;
                }
            }
        }
        *entry = Some(Entry {
            var,
            scope: match scope {
                Scope::Frame(f) => Held::Frame(f.clone()),
                Scope::Namespace(s) => Held::Namespace(s.clone()),
            },
            value: value.clone(),
            misses: 0,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_only_for_the_same_node_and_frame() {
        let vars: &'static [ast::Var] = Box::leak(
            (0..2)
                .map(|i| ast::Var {
                    name: rnix_eval_parser::Symbol::intern(&format!("v{i}")),
                    kind: ast::VarKind::With(std::iter::once(ast::WithFrame::new(0)).collect()),
                    span: rnix_eval_parser::Span {
                        file: rnix_eval_parser::source::FileId::DETACHED,
                        start: 0,
                        end: 0,
                    },
                })
                .collect(),
        );
        let (a, b) = (&vars[0], &vars[1]);
        let frame = Env::new(None, 1);
        let other = Env::new(None, 1);
        let mut cache = WithCache::default();
        assert!(cache.get(a, Scope::Frame(&frame)).is_none());
        cache.remember(a, Scope::Frame(&frame), &Value::Int(1));
        assert!(matches!(cache.get(a, Scope::Frame(&frame)), Some(Value::Int(1))));
        assert!(cache.get(a, Scope::Frame(&other)).is_none());
        assert!(cache.get(b, Scope::Frame(&frame)).is_none());
        // Another frame takes the entry over after `REPLACE_EVERY` misses.
        for _ in 1..REPLACE_EVERY {
            cache.remember(a, Scope::Frame(&other), &Value::Int(2));
            assert!(cache.get(a, Scope::Frame(&other)).is_none());
        }
        cache.remember(a, Scope::Frame(&other), &Value::Int(2));
        assert!(matches!(cache.get(a, Scope::Frame(&other)), Some(Value::Int(2))));
        assert!(cache.get(a, Scope::Frame(&frame)).is_none());
        // Keyed by a namespace: found again whatever frame holds it, and not by a frame.
        let set = SetRef::default();
        cache.remember(b, Scope::Namespace(&set), &Value::Int(3));
        assert!(matches!(cache.get(b, Scope::Namespace(&set)), Some(Value::Int(3))));
        assert!(cache.get(b, Scope::Frame(&frame)).is_none());
        let other_set = SetRef::default();
        assert!(cache.get(b, Scope::Namespace(&other_set)).is_none());
    }
}
