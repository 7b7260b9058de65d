//! The symbol of a dynamic attribute name (`x.${name}`, `x ? ${name}`, `{ ${name} = ..; }`)
//! by the string object it was made from.
//!
//! Interning hashes the name and compares it with the table's entry: 18% of a
//! `mergeModules`-shaped loop (`concatMap (d: if d.value ? ${name} then .. d.value.${name}
//! ..) defs` for each option name), where the same string objects are read thousands of
//! times. Keyed by the string object, not by the site: the names of `attrNames` are one
//! shared string per symbol, and a site that walks them (`lib.matchAttrs`, `all (n: s ?
//! ${n}) (attrNames p)`) sees a different one each time, which a site's last string never
//! matched. Direct-mapped, one entry a slot; the entry holds the string, so its address
//! cannot be reused by another string while the entry stands.

use crate::rc::Rc;
use crate::value::NixString;
use rnix_eval_parser::Symbol;

const SLOTS_LOG2: u32 = 10;

#[derive(Default)]
pub(crate) struct NameCache {
    entries: Vec<Option<(Rc<NixString>, Symbol)>>,
}

#[inline(always)]
fn slot(name: &Rc<NixString>) -> usize {
    let address = Rc::as_ptr(name) as usize as u64;
    (address.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SLOTS_LOG2)) as usize
}

impl NameCache {
    /// The symbol for `name`.
    pub(crate) fn intern(&mut self, name: &Rc<NixString>) -> Symbol {
        if self.entries.is_empty() {
            self.entries.resize_with(1 << SLOTS_LOG2, || None);
        }
        let entry = &mut self.entries[slot(name)];
        if let Some((string, sym)) = entry {
            if Rc::ptr_eq(string, name) {
                return *sym;
            }
        }
        let sym = Symbol::intern_bytes(name.as_bytes());
        *entry = Some((name.clone(), sym));
        sym
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_by_the_string_object() {
        let mut cache = NameCache::default();
        let a = Rc::new(NixString::new(b"alpha".to_vec(), None));
        let b = Rc::new(NixString::new(b"beta".to_vec(), None));
        let a2 = Rc::new(NixString::new(b"alpha".to_vec(), None));
        for _ in 0..3 {
            assert_eq!(cache.intern(&a).as_str(), "alpha");
            assert_eq!(cache.intern(&b).as_str(), "beta");
        }
        // Another object with the same text is interned to the same symbol.
        assert_eq!(cache.intern(&a2), cache.intern(&a));
    }
}
