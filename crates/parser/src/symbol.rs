//! Interned identifiers.
//!
//! Every attribute name and variable is a [`Symbol`]: a `u32` that compares and hashes in
//! one instruction. Strings are leaked into the interner and live for the process, as in
//! the C++ evaluator's symbol table, so `as_str` hands out `&'static str` with no lock.
//! The table is per thread: an evaluation (parsing included) runs on one thread.

use hashbrown::HashTable;
use rustc_hash::{FxBuildHasher, FxHashMap};
use std::cell::RefCell;
use std::fmt;
use std::hash::BuildHasher;

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(u32);

/// The interned names of one thread. A NixOS system interns 38,000; a map from each
/// name to its symbol, a vector of (bytes, text) pairs and a leaked box per name took
/// about 90 bytes a name, this 30 (a 4-byte table slot, a 16-byte text, the bytes).
#[derive(Default)]
struct Interner {
    /// Each symbol's index, found by the hash of its name.
    ids: HashTable<u32>,
    /// Each symbol's text: its name, or for a name that is not UTF-8 (an attribute
    /// named by `substring 0 1 "é"`), a lossy copy for messages.
    texts: Vec<&'static str>,
    /// The bytes of the names that are not UTF-8: the name is the bytes, as Nix's
    /// symbols are byte strings.
    raw: FxHashMap<u32, &'static [u8]>,
    /// Where the next name's bytes go: the rest of a leaked block.
    free: &'static mut [u8],
}

/// Names are copied into leaked blocks of this size (longer ones get their own).
const BLOCK: usize = 64 << 10;

fn hash(name: &[u8]) -> u64 {
    FxBuildHasher.hash_one(name)
}

/// The name of symbol `index`, given the interner's `texts` and `raw`.
fn name_bytes(texts: &[&'static str], raw: &FxHashMap<u32, &'static [u8]>, index: u32) -> &'static [u8] {
    if !raw.is_empty() {
        if let Some(&bytes) = raw.get(&index) {
            return bytes;
        }
    }
    texts[index as usize].as_bytes()
}

/// A copy of `name` that lives for the process, in the rest of a leaked block (`free`).
fn keep(free: &mut &'static mut [u8], name: &[u8]) -> &'static [u8] {
    if name.len() > BLOCK / 8 {
        return Box::leak(name.to_vec().into_boxed_slice());
    }
    if free.len() < name.len() {
        *free = Box::leak(vec![0u8; BLOCK].into_boxed_slice());
    }
    let (copy, rest) = std::mem::take(free).split_at_mut(name.len());
    copy.copy_from_slice(name);
    *free = rest;
    copy
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
            let h = hash(name);
            let Interner { ids, texts, raw, free } = &mut *interner;
            if let Some(&index) = ids.find(h, |&i| name_bytes(texts, raw, i) == name) {
                return Symbol(index);
            }
            let index = texts.len() as u32;
            let bytes = keep(free, name);
            let text = match std::str::from_utf8(bytes) {
                Ok(text) => text,
                Err(_) => {
                    raw.insert(index, bytes);
                    Box::leak(String::from_utf8_lossy(bytes).into_owned().into_boxed_str())
                }
            };
            texts.push(text);
            ids.insert_unique(h, index, |&i| hash(name_bytes(texts, raw, i)));
            Symbol(index)
        })
    }

    /// The name as text: exact for every name written in a source file; for a name that
    /// is not UTF-8, with U+FFFD in place of its bad bytes (for messages only: values
    /// and ordering use [`Symbol::as_bytes`]).
    pub fn as_str(self) -> &'static str {
        INTERNER.with(|cell| cell.borrow().texts[self.0 as usize])
    }

    /// The name's bytes.
    pub fn as_bytes(self) -> &'static [u8] {
        INTERNER.with(|cell| {
            let interner = cell.borrow();
            name_bytes(&interner.texts, &interner.raw, self.0)
        })
    }

    pub fn index(self) -> u32 {
        self.0
    }

    /// How many symbols this thread has interned and their total length in bytes
    /// (`NIX_SHOW_STATS`' `symbols`).
    pub fn table_size() -> (usize, usize) {
        INTERNER.with(|cell| {
            let interner = cell.borrow();
            let lengths = (0..interner.texts.len() as u32).map(|i| name_bytes(&interner.texts, &interner.raw, i).len());
            (interner.texts.len(), lengths.sum())
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
