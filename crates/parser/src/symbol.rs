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
    ids: FxHashMap<&'static [u8], Symbol>,
    /// Each symbol's bytes and its text: the same memory, except for a name that is not
    /// UTF-8 (an attribute named by `substring 0 1 "é"`), whose text is a lossy copy for
    /// messages. The bytes are the name, as Nix's symbols are byte strings.
    names: Vec<(&'static [u8], &'static str)>,
}

thread_local! {
    static INTERNER: RefCell<Interner> = RefCell::new(Interner::default());
}

impl Symbol {
    pub fn intern(name: &str) -> Symbol {
        Symbol::intern_bytes(name.as_bytes())
    }

    /// A name of any bytes: attribute names made from strings at run time.
    pub fn intern_bytes(name: &[u8]) -> Symbol {
        INTERNER.with(|cell| {
            let mut interner = cell.borrow_mut();
            if let Some(&sym) = interner.ids.get(name) {
                return sym;
            }
            let bytes: &'static [u8] = Box::leak(name.to_vec().into_boxed_slice());
            let text: &'static str = match std::str::from_utf8(bytes) {
                Ok(text) => text,
                Err(_) => Box::leak(String::from_utf8_lossy(bytes).into_owned().into_boxed_str()),
            };
            let sym = Symbol(interner.names.len() as u32);
            interner.names.push((bytes, text));
            interner.ids.insert(bytes, sym);
            sym
        })
    }

    /// The name as text: exact for every name written in a source file; for a name that
    /// is not UTF-8, with U+FFFD in place of its bad bytes (for messages only: values
    /// and ordering use [`Symbol::as_bytes`]).
    pub fn as_str(self) -> &'static str {
        INTERNER.with(|cell| cell.borrow().names[self.0 as usize].1)
    }

    /// The name's bytes.
    pub fn as_bytes(self) -> &'static [u8] {
        INTERNER.with(|cell| cell.borrow().names[self.0 as usize].0)
    }

    pub fn index(self) -> u32 {
        self.0
    }

    /// How many symbols this thread has interned and their total length in bytes
    /// (`NIX_SHOW_STATS`' `symbols`).
    pub fn table_size() -> (usize, usize) {
        INTERNER.with(|cell| {
            let interner = cell.borrow();
            (interner.names.len(), interner.names.iter().map(|n| n.0.len()).sum())
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
        // Names that are not UTF-8 stay themselves, and apart from their lossy text.
        let bad = Symbol::intern_bytes(b"\xc3");
        assert_eq!(bad.as_bytes(), b"\xc3");
        assert_eq!(bad.as_str(), "\u{fffd}");
        assert_ne!(bad, Symbol::intern("\u{fffd}"));
        assert_eq!(bad, Symbol::intern_bytes(b"\xc3"));
    }
}
