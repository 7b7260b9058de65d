//! The symbol of a dynamic attribute name (`x.${name}`, `x ? ${name}`, `{ ${name} = ..; }`)
//! by the site and the string it was last made from.
//!
//! Interning hashes the name and compares it with the table's entry: 18% of a
//! `mergeModules`-shaped loop (`concatMap (d: if d.value ? ${name} then .. d.value.${name}
//! ..) defs` for each option name), where one site reads the same string object thousands
//! of times. Direct-mapped, one entry a slot; the entry holds the string, so its address
//! cannot be reused by another string while the entry stands.

use crate::rc::Rc;
use crate::value::NixString;
use rnix_eval_parser::{ast, Symbol};

const SLOTS_LOG2: u32 = 8;

#[derive(Default)]
pub(crate) struct NameCache {
    entries: Vec<Option<(*const ast::Expr, Rc<NixString>, Symbol)>>,
}

#[inline(always)]
fn slot(site: *const ast::Expr) -> usize {
    ((site as usize as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SLOTS_LOG2)) as usize
}

impl NameCache {
    /// The symbol for `name`, evaluated at `site`.
    pub(crate) fn intern(&mut self, site: &'static ast::Expr, name: &Rc<NixString>) -> Symbol {
        if self.entries.is_empty() {
            self.entries.resize_with(1 << SLOTS_LOG2, || None);
        }
        let entry = &mut self.entries[slot(site)];
        if let Some((s, string, sym)) = entry {
            if std::ptr::eq(*s, site) && Rc::ptr_eq(string, name) {
                return *sym;
            }
        }
        let sym = Symbol::intern_bytes(name.as_bytes());
        *entry = Some((site, name.clone(), sym));
        sym
    }
}
