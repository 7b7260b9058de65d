//! Interned identifiers.
//!
//! Every attribute name and variable is a [`Symbol`]: a `u32` that compares and hashes in
//! one instruction. Strings are leaked into the interner and live for the process, as in
//! the C++ evaluator's symbol table, so `as_str` hands out `&'static str` with no lock.
//! The table is per thread: an evaluation (parsing included) runs on one thread.

use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::fmt;

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(u32);

#[derive(Default)]
struct Interner {
    ids: FxHashMap<&'static str, Symbol>,
    names: Vec<&'static str>,
}

thread_local! {
    static INTERNER: RefCell<Interner> = RefCell::new(Interner::default());
}

impl Symbol {
    pub fn intern(name: &str) -> Symbol {
        INTERNER.with(|cell| {
            let mut interner = cell.borrow_mut();
            if let Some(&sym) = interner.ids.get(name) {
                return sym;
            }
            let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
            let sym = Symbol(interner.names.len() as u32);
            interner.names.push(leaked);
            interner.ids.insert(leaked, sym);
            sym
        })
    }

    pub fn as_str(self) -> &'static str {
        INTERNER.with(|cell| cell.borrow().names[self.0 as usize])
    }

    pub fn index(self) -> u32 {
        self.0
    }

    /// How many symbols this thread has interned and their total length in bytes
    /// (`NIX_SHOW_STATS`' `symbols`).
    pub fn table_size() -> (usize, usize) {
        INTERNER.with(|cell| {
            let interner = cell.borrow();
            (interner.names.len(), interner.names.iter().map(|n| n.len()).sum())
        })
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_is_stable() {
        let a = Symbol::intern("foo");
        let b = Symbol::intern("bar");
        assert_ne!(a, b);
        assert_eq!(a, Symbol::intern("foo"));
        assert_eq!(a.as_str(), "foo");
    }
}
