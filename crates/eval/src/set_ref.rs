//! The counted block of an attribute set: its header and its entries in one allocation.
//!
//! A set was a counted box (the count, the entries' pointer and length, the layer below)
//! beside a second block holding the entries. Every select read the box, then the entries
//! block: two cache misses before the value, a third of `select_in_place`'s samples each
//! on a NixOS system (the value's own cell is the third). One block makes them one miss
//! (the entries the hint points at are mostly in the header's line or the next), one
//! allocation and one free a set instead of two, and 8 bytes less a set.
//!
//! The block is `[count, len, lower, entries...]`: [`SetRef`] is a thin pointer to it, as
//! `rc::Rc` is to its box, with the same count word (the cycle collector's marks in its
//! low bits), and a reference to the [`AttrSet`] in it is made from `len`.
//!
//! Invariants: `len` is the number of initialised entries; the block was allocated with
//! [`layout`]`(len)`; the count word follows `rc`'s rules.

use crate::attrset::{AttrSet, Lower, NewSet};
use crate::block::{self, BlockKind};
use crate::rc::ONE;
use crate::value::Attr;
use std::alloc::Layout;
use std::cell::Cell;
use std::ops::Deref;
use std::ptr::NonNull;

#[repr(C)]
struct Block {
    count: Cell<usize>,
    set: AttrSet,
}

/// The header before a set's entries: its count, length and layer below (Nix's
/// `Bindings` header, in the statistics).
pub const HEADER_BYTES: usize = 3 * std::mem::size_of::<usize>();

/// The block kind of a set: three words (count, length, the layer below), then the entries.
pub(crate) struct SetBlock;

impl BlockKind for SetBlock {
    type Item = Attr;
    const HEADER_BYTES: usize = HEADER_BYTES;
    #[inline(always)]
    fn owns_nothing(item: &Attr) -> bool {
        !item.value.owns_heap()
    }
}

/// The block of a set of `len` entries.
fn layout(len: usize) -> Layout {
    block::layout::<SetBlock>(len)
}

/// Where the entries of the block at `ptr` start.
#[inline(always)]
fn entries_of(ptr: NonNull<usize>) -> *mut Attr {
    block::items_of::<SetBlock>(ptr)
}

/// See [`block::free_block`].
unsafe fn free_block(ptr: NonNull<usize>, len: usize, capacity: usize) {
    block::free_block::<SetBlock>(ptr, len, capacity)
}

/// A counted reference to an attribute set's block.
pub struct SetRef(NonNull<usize>);

impl SetRef {
    /// The set `set` in a block of its own.
    pub fn new(set: NewSet) -> SetRef {
        let NewSet { own, lower } = set;
        let mut builder = SetBuilder::with_capacity(own.len());
        for attr in own {
            builder.push(attr);
        }
        builder.seal(lower, true)
    }

    /// A flat set of the entries `entries` yields, at most `len` of them, made in its
    /// block directly ([`SetBuilder`]); sorted by name here unless `sorted`. Names must
    /// be unique.
    pub fn collect(len: usize, entries: impl Iterator<Item = Attr>, sorted: bool) -> SetRef {
        let mut builder = SetBuilder::with_capacity(len);
        for attr in entries.take(len) {
            builder.push(attr);
        }
        builder.finish(sorted)
    }

    /// The block at `ptr` holding `len` entries, as a (fat) pointer.
    #[inline(always)]
    fn block_at(ptr: *mut usize, len: usize) -> *mut Block {
        std::ptr::slice_from_raw_parts_mut(ptr, len) as *mut Block
    }

    #[inline(always)]
    fn block(&self) -> *mut Block {
        // SAFETY: the block is alive while this handle counts in it; `len` is its second word.
        let len = unsafe { *self.0.as_ptr().add(1) };
        Self::block_at(self.0.as_ptr(), len)
    }

    #[inline]
    pub fn strong_count(this: &SetRef) -> usize {
        // SAFETY: the block is alive while this handle counts in it.
        unsafe { block::strong_count(this.0) }
    }

    #[inline]
    pub fn ptr_eq(a: &SetRef, b: &SetRef) -> bool {
        a.0 == b.0
    }

    /// The block's address: the set's identity (`«repeated»`, cycles of `toXML`), and its
    /// name for the cycle collector (its first word is the count, as an `rc::Rc` box's).
    #[inline(always)]
    pub fn as_ptr(this: &SetRef) -> *const () {
        this.0.as_ptr() as *const ()
    }

    /// The set in the block at `block`.
    ///
    /// # Safety
    /// The block must be alive and hold a set.
    #[inline(always)]
    pub(crate) unsafe fn payload<'a>(block: *const ()) -> &'a AttrSet {
        let ptr = block as *mut usize;
        &(*Self::block_at(ptr, *ptr.add(1))).set
    }

    /// `self // other` in place when nothing else refers to `self`: each name of `other`
    /// replaces the entry of the same name or is inserted where the order puts it (in a
    /// layered set, into its top layer). The block grows to its new size (in place within
    /// the allocator's size class) and the entries are merged from the back, each moved
    /// once. False, and nothing done, when the set is shared.
    pub fn update_in_place(&mut self, other: &AttrSet) -> bool {
        if SetRef::strong_count(self) != 1 {
            return false;
        }
        let theirs = other.entries();
        let (own_added, len_added) = {
            let set: &AttrSet = self;
            let mut own_added = 0;
            let mut len_added = 0;
            for attr in theirs.iter() {
                if set.own().binary_search_by_key(&attr.name, |a| a.name).is_err() {
                    own_added += 1;
                    let below = set.lower.as_ref().and_then(|l| l.base.get_attr(attr.name));
                    len_added += usize::from(below.is_none());
                }
            }
            (own_added, len_added)
        };
        let old_len = self.len;
        let new_len = old_len + own_added;
        // SAFETY: the only handle. The block is reallocated to `new_len` entries (the first
        // `old_len` initialised), then filled from the back: `k` is the next slot to fill,
        // `i` the last of the old entries not yet placed; slots in `(i, k]` hold nothing
        // (moved from, or new), so a write there overwrites nothing live. A replaced entry
        // is dropped where it was, and its slot is in `(i, k]` from then on.
        unsafe {
            if own_added > 0 {
                let ptr = block::reallocate::<SetBlock>(self.0, old_len, new_len);
                self.0 = ptr;
                *ptr.as_ptr().add(1) = new_len;
            }
            let entries = entries_of(self.0);
            let (mut i, mut k) = (old_len as isize - 1, new_len as isize - 1);
            for attr in theirs.iter().rev() {
                while i >= 0 && (*entries.offset(i)).name > attr.name {
                    std::ptr::copy(entries.offset(i), entries.offset(k), 1);
                    i -= 1;
                    k -= 1;
                }
                if i >= 0 && (*entries.offset(i)).name == attr.name {
                    std::ptr::drop_in_place(entries.offset(i));
                    i -= 1;
                }
                entries.offset(k).write(attr.clone());
                k -= 1;
            }
            debug_assert_eq!(i, k);
            if let Some(l) = &mut (*self.block()).set.lower {
                l.len += len_added;
            }
        }
        true
    }

    /// Out of line, so dropping a `Value` stays a count decrement per variant.
    #[inline(never)]
    fn drop_slow(&mut self) {
        let len = self.len;
        // SAFETY: the last handle: the entries and the layer are dropped (or the entries
        // moved to `teardown`'s queue), then the block is freed with the layout it has.
        unsafe {
            std::ptr::drop_in_place(std::ptr::addr_of_mut!((*self.block()).set.lower));
            if len >= crate::teardown::DEFER_MIN {
                crate::teardown::retire_set(RetiredSet::new(self.0, len));
                return;
            }
            free_block(self.0, len, len);
        }
    }
}

/// A flat set being made in its block: up to `capacity` entries pushed, then
/// [`SetBuilder::finish`]. One allocation, where a vector of entries and then the block
/// were two.
pub struct SetBuilder {
    ptr: NonNull<usize>,
    capacity: usize,
    len: usize,
}

impl SetBuilder {
    pub fn with_capacity(capacity: usize) -> SetBuilder {
        SetBuilder {
            ptr: block::allocate::<SetBlock>(capacity),
            capacity,
            len: 0,
        }
    }

    #[inline(always)]
    fn slots(&self) -> *mut Attr {
        entries_of(self.ptr)
    }

    /// Add an entry. Panics past the capacity. Written field by field, the value by its
    /// words ([`crate::words`]): an `Attr` assembled by the caller and copied whole was
    /// one 16-byte load of the value's two 8-byte halves, a store-forwarding stall that
    /// was half of `eval_attrs`' time on `benches/programs/literals`.
    #[inline(always)]
    pub fn push(&mut self, attr: Attr) {
        assert!(self.len < self.capacity, "a set builder's capacity");
        let Attr { name, value, pos } = attr;
        // SAFETY: slot `len` is within the capacity and not yet written; each field is
        // written once, through raw pointers (no reference to the uninitialised slot).
        unsafe {
            let slot = self.slots().add(self.len);
            std::ptr::addr_of_mut!((*slot).name).write(name);
            std::ptr::addr_of_mut!((*slot).pos).write(pos);
            crate::words::write(std::ptr::addr_of_mut!((*slot).value), value);
        }
        self.len += 1;
    }

    /// The set of the entries pushed, sorted by name unless `sorted` (they were pushed
    /// in order); the block shrinks to them if fewer than its capacity.
    pub fn finish(self, sorted: bool) -> SetRef {
        self.seal(None, sorted)
    }

    /// [`SetBuilder::finish`] of the top layer of a set over `lower`, if any.
    fn seal(self, lower: Option<Box<Lower>>, sorted: bool) -> SetRef {
        let this = std::mem::ManuallyDrop::new(self);
        let (len, capacity) = (this.len, this.capacity);
        // SAFETY: the header is written before the block is a `SetRef`; `len` entries are
        // initialised; the block is reallocated from the layout it has to the one of `len`.
        let set = unsafe {
            let mut ptr = this.ptr;
            if len < capacity {
                // A block of the exact size, the entries moved into it: `realloc` keeps a
                // block that shrinks by less than half where it is, and `a // b` of two
                // sets sharing most names fills little more than half of `a + b`
                // (3.5 MB more on the minimal NixOS system).
                let exact = SetBuilder::with_capacity(len);
                std::ptr::copy_nonoverlapping(this.slots(), exact.slots(), len);
                std::alloc::dealloc(ptr.as_ptr() as *mut u8, layout(capacity));
                ptr = std::mem::ManuallyDrop::new(exact).ptr;
            }
            let block = SetRef::block_at(ptr.as_ptr(), len);
            std::ptr::addr_of_mut!((*block).count).write(Cell::new(ONE));
            std::ptr::addr_of_mut!((*block).set.len).write(len);
            std::ptr::addr_of_mut!((*block).set.lower).write(lower);
            debug_assert_eq!(std::mem::size_of_val(&*block), layout(len).size());
            if !sorted {
                (*block).set.own.sort_unstable_by_key(|a| a.name);
            }
            SetRef(ptr)
        };
        debug_assert!(set.own().windows(2).all(|w| w[0].name < w[1].name));
        set
    }
}

impl Drop for SetBuilder {
    /// A builder dropped unfinished (a panic while filling it) frees what it holds.
    fn drop(&mut self) {
        // SAFETY: `len` entries are initialised; the block has `capacity`'s layout.
        unsafe { free_block(self.ptr, self.len, self.capacity) }
    }
}

/// A large set's block, queued by `teardown` ([`block::Retired`]).
pub(crate) type RetiredSet = block::Retired<SetBlock>;

impl Default for SetRef {
    /// A new empty set.
    fn default() -> SetRef {
        SetRef::new(NewSet::default())
    }
}

impl Clone for SetRef {
    #[inline(always)]
    fn clone(&self) -> SetRef {
        // SAFETY: this handle holds a reference.
        unsafe { block::retain(self.0) };
        SetRef(self.0)
    }
}

impl Drop for SetRef {
    #[inline(always)]
    fn drop(&mut self) {
        // SAFETY: this handle's reference is given up.
        if unsafe { block::release(self.0) } {
            self.drop_slow();
        }
    }
}

impl Deref for SetRef {
    type Target = AttrSet;
    #[inline(always)]
    fn deref(&self) -> &AttrSet {
        // SAFETY: the block is alive while this handle counts in it.
        unsafe { &(*self.block()).set }
    }
}

// Lower is only named here for the layout's sake: a layer's base is a `SetRef`.
const _: () = assert!(std::mem::size_of::<Option<Box<Lower>>>() == std::mem::size_of::<usize>());
const _: () = assert!(std::mem::align_of::<Attr>() == std::mem::align_of::<usize>());

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;
    use rnix_eval_parser::Symbol;

    fn attr(name: &str, value: Value) -> Attr {
        Attr {
            name: Symbol::intern(name),
            value,
            pos: None,
        }
    }

    fn names(set: &AttrSet) -> Vec<&'static str> {
        set.entries().iter().map(|a| a.name.as_str()).collect()
    }

    /// `names` in a set's order: by symbol (interning order), not by text.
    fn by_symbol<'a>(names: &[&'a str]) -> Vec<&'a str> {
        let mut sorted = names.to_vec();
        sorted.sort_by_key(|n| Symbol::intern(n));
        sorted
    }

    #[test]
    fn the_entries_follow_the_header_in_one_block() {
        let set = SetRef::new(AttrSet::from_unsorted(vec![
            attr("b", Value::Int(2)),
            attr("a", Value::Int(1)),
        ]));
        assert_eq!(layout(0).size(), HEADER_BYTES);
        assert_eq!(layout(2).size(), HEADER_BYTES + 2 * std::mem::size_of::<Attr>());
        let first = set.own().as_ptr() as usize;
        assert_eq!(first, SetRef::as_ptr(&set) as usize + HEADER_BYTES);
        assert_eq!((set.len(), set.depth()), (2, 0));
        let payload = unsafe { SetRef::payload(SetRef::as_ptr(&set)) };
        assert!(std::ptr::eq(payload.own(), set.own()));
    }

    #[test]
    fn collect_sorts_and_shrinks_to_what_it_was_given() {
        let given = ["d", "a", "c"].map(|n| attr(n, Value::Null));
        let set = SetRef::collect(10, given.into_iter(), false);
        assert_eq!(names(&set), by_symbol(&["a", "c", "d"]));
        assert_eq!(set.len(), 3);
        let none = SetRef::collect(4, std::iter::empty(), true);
        assert!(none.is_empty());
    }

    #[test]
    fn update_in_place_inserts_and_replaces_at_both_ends() {
        // Fresh names interned in this order, so `a` and `g` sort first and last.
        let [a, b, d, e, f, g] = ["a", "b", "d", "e", "f", "g"].map(|n| format!("update_in_place_{n}"));
        for n in [&a, &b, &d, &e, &f, &g] {
            Symbol::intern(n);
        }
        let kept = Value::string("kept");
        let base: Vec<Attr> = [&b, &d, &f].iter().map(|n| attr(n, kept.clone())).collect();
        let mut set = SetRef::new(AttrSet::from_unsorted(base));
        let other = SetRef::new(AttrSet::from_unsorted(
            [&a, &b, &e, &f, &g].iter().map(|n| attr(n, Value::Int(1))).collect(),
        ));
        assert!(set.update_in_place(&other));
        assert_eq!(names(&set), [&a, &b, &d, &e, &f, &g]);
        for x in set.entries().iter() {
            assert_eq!(
                matches!(x.value, Value::Int(1)),
                x.name.as_str() != d,
                "{}",
                x.name.as_str()
            );
        }
        // Replaced values were released: `kept` is held by itself and `d` alone.
        let Value::String(s) = &kept else { unreachable!() };
        assert_eq!(crate::rc::Rc::strong_count(s), 2);
    }

    #[test]
    fn a_large_set_is_queued_whole_and_keeps_its_values_counted() {
        crate::teardown::drain();
        let shared = Value::string("shared");
        let entries: Vec<Attr> = (0..crate::teardown::DEFER_MIN)
            .map(|i| attr(&format!("n{i}"), shared.clone()))
            .collect();
        drop(SetRef::new(AttrSet::from_unsorted(entries)));
        assert_eq!(crate::teardown::queued(), crate::teardown::DEFER_MIN);
        let Value::String(s) = &shared else { unreachable!() };
        assert_eq!(crate::rc::Rc::strong_count(s), crate::teardown::DEFER_MIN + 1);
        crate::teardown::free_some();
        assert_eq!(crate::teardown::queued(), crate::teardown::DEFER_MIN - 64);
        crate::teardown::drain();
        assert_eq!(crate::rc::Rc::strong_count(s), 1);
    }
}
