//! One value per string and path literal, as Nix's `ExprString` holds one: a literal in
//! a function body evaluated a million times (`[ "a" "b" ]`, `{ _type = "if"; }`, `./x`)
//! made a million 48-byte strings, 2.9x Nix's memory on a list of literals
//! (`benches/programs/literals`).
//!
//! Direct-mapped by the node's address, as the `with` cache (`with_cache.rs`): one entry a
//! slot, overwritten on a collision. The cache holds a reference, so a cached string is
//! never unique and nothing appends to it in place.

use crate::value::Value;
use rnix_eval_parser::ast::Expr;

const SLOTS_LOG2: u32 = 13;

#[derive(Default)]
pub(crate) struct Literals {
    entries: Vec<(*const Expr, Value)>,
}

#[inline(always)]
fn slot(expr: *const Expr) -> usize {
    // Fibonacci hashing of the node's address: nodes are allocated close together.
    ((expr as usize as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SLOTS_LOG2)) as usize
}

impl Literals {
    /// The value of the literal `expr`: the one made last time, or `make()`'s.
    #[inline(always)]
    pub(crate) fn get(&mut self, expr: &'static Expr, make: impl FnOnce() -> Value) -> Value {
        if let Some((node, value)) = self.entries.get(slot(expr)) {
            if std::ptr::eq(*node, expr) {
                return value.clone();
            }
        }
        self.insert(expr, make())
    }

    #[cold]
    fn insert(&mut self, expr: &'static Expr, value: Value) -> Value {
        if self.entries.is_empty() {
            self.entries
                .resize_with(1 << SLOTS_LOG2, || (std::ptr::null(), Value::Null));
        }
        self.entries[slot(expr)] = (expr, value.clone());
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rc::Rc;

    #[test]
    fn a_literal_is_made_once_and_shared() {
        let nodes: &'static [Expr] = Box::leak(Box::new([Expr::Str("a".into()), Expr::Str("b".into())]));
        let mut literals = Literals::default();
        let string = |e: &Expr| match e {
            Expr::Str(s) => Value::string(s.as_bytes().to_vec()),
            _ => unreachable!(),
        };
        let (Value::String(a1), Value::String(a2), Value::String(b)) = (
            literals.get(&nodes[0], || string(&nodes[0])),
            literals.get(&nodes[0], || unreachable!("made once")),
            literals.get(&nodes[1], || string(&nodes[1])),
        ) else {
            panic!("strings")
        };
        assert!(Rc::ptr_eq(&a1, &a2));
        assert!(!Rc::ptr_eq(&a1, &b));
        assert_eq!(&a1.bytes[..], b"a");
        // Held by the cache too: never unique, so never changed in place.
        assert_eq!(Rc::strong_count(&a1), 3);
    }
}
