//! What a set's block (`set_ref.rs`) and a list's (`list_ref.rs`) share: one allocation
//! `[count, len, header words..., items...]`, its layout, where its items start, how it is
//! freed, and how `teardown` owns it once its last reference went.
//!
//! Invariants: `len` (the second word) counts the initialised items; a block is freed
//! with the layout of the capacity it was allocated or last reallocated for.

use crate::rc::{FLAG_BITS, ONE};
use std::alloc::Layout;
use std::cell::Cell;
use std::marker::PhantomData;
use std::ptr::NonNull;

/// A kind of counted block: the items it holds and the bytes before the first of them.
pub(crate) trait BlockKind {
    type Item;
    /// The count, the length and the kind's own header words.
    const HEADER_BYTES: usize;
    /// Whether dropping `item` releases nothing (a number, a boolean, `null`): freeing a
    /// block skips those without calling the out-of-line drop glue.
    fn owns_nothing(item: &Self::Item) -> bool;
}

/// Drop the `n` items from `items` on, each that owns something (see
/// [`BlockKind::owns_nothing`]). `drop_in_place` of the slice called `Value`'s drop glue,
/// an out-of-line jump table, for every element: 61% of a loop that made and dropped
/// copies of a 20,000-number list (`big ++ [ i ]`).
///
/// # Safety
/// The items are initialised and owned by the caller, and not used afterwards.
#[inline]
unsafe fn drop_items<K: BlockKind>(items: *mut K::Item, n: usize) {
    for i in 0..n {
        let item = items.add(i);
        if !K::owns_nothing(&*item) {
            std::ptr::drop_in_place(item);
        }
    }
}

/// The block of `K` with room for `capacity` items.
pub(crate) fn layout<K: BlockKind>(capacity: usize) -> Layout {
    let header = Layout::from_size_align(K::HEADER_BYTES, std::mem::align_of::<usize>()).expect("a header");
    let items = Layout::array::<K::Item>(capacity).expect("a block fits in memory");
    header.extend(items).expect("a block fits in memory").0.pad_to_align()
}

/// A new block of `K` with room for `capacity` items, its words not yet written.
pub(crate) fn allocate<K: BlockKind>(capacity: usize) -> NonNull<usize> {
    let layout = layout::<K>(capacity);
    // SAFETY: the layout has a non-zero size (the header).
    let raw = unsafe { std::alloc::alloc(layout) as *mut usize };
    NonNull::new(raw).unwrap_or_else(|| std::alloc::handle_alloc_error(layout))
}

/// The block at `ptr`, of `old` items' layout, reallocated (its contents kept) to `new`.
///
/// # Safety
/// The block must be owned by the caller and allocated with `layout::<K>(old)`.
pub(crate) unsafe fn reallocate<K: BlockKind>(ptr: NonNull<usize>, old: usize, new: usize) -> NonNull<usize> {
    let raw = std::alloc::realloc(ptr.as_ptr() as *mut u8, layout::<K>(old), layout::<K>(new).size());
    NonNull::new(raw as *mut usize).unwrap_or_else(|| std::alloc::handle_alloc_error(layout::<K>(new)))
}

/// The count word of the live block at `ptr` (its first word, `rc`'s rules: a reference
/// adds `ONE`, the low bits are the cycle collector's marks).
///
/// # Safety
/// The block must be alive for `'a`.
#[inline(always)]
pub(crate) unsafe fn count<'a>(ptr: NonNull<usize>) -> &'a Cell<usize> {
    &*(ptr.as_ptr() as *const Cell<usize>)
}

/// One more reference to the live block at `ptr`.
///
/// # Safety
/// The caller holds a reference to the block.
#[inline(always)]
pub(crate) unsafe fn retain(ptr: NonNull<usize>) {
    let count = count(ptr);
    // Overflow needs 2^60 handles: no memory holds them.
    count.set(count.get() + ONE);
}

/// One reference fewer to the block at `ptr`; true when it was the last (the caller then
/// frees the block).
///
/// # Safety
/// The caller gives up a reference it holds.
#[inline(always)]
pub(crate) unsafe fn release(ptr: NonNull<usize>) -> bool {
    let count = count(ptr);
    let left = count.get() - ONE;
    count.set(left);
    left < ONE
}

/// The references counted in the live block at `ptr`.
///
/// # Safety
/// The block must be alive.
#[inline(always)]
pub(crate) unsafe fn strong_count(ptr: NonNull<usize>) -> usize {
    count(ptr).get() >> FLAG_BITS
}

/// Where the items of the block at `ptr` start.
#[inline(always)]
pub(crate) fn items_of<K: BlockKind>(ptr: NonNull<usize>) -> *mut K::Item {
    // SAFETY: the items start after the header, within the block.
    unsafe { (ptr.as_ptr() as *mut u8).add(K::HEADER_BYTES) as *mut K::Item }
}

/// Drop the first `len` items of the block at `ptr`, allocated for `capacity`, and free it.
///
/// # Safety
/// Those items are initialised and owned by the caller, which gives the block up.
pub(crate) unsafe fn free_block<K: BlockKind>(ptr: NonNull<usize>, len: usize, capacity: usize) {
    drop_items::<K>(items_of::<K>(ptr), len);
    std::alloc::dealloc(ptr.as_ptr() as *mut u8, layout::<K>(capacity));
}

/// The block of a large set or list whose last reference went (its own header words
/// already released): queued by `teardown`, which frees its items from the end a chunk at
/// a time, then the block (copying the items into a vector for the queue held them twice
/// for a moment).
pub(crate) struct Retired<K: BlockKind> {
    ptr: NonNull<usize>,
    /// The items the block was allocated for; its `len` word counts those still there.
    capacity: usize,
    kind: PhantomData<K>,
}

impl<K: BlockKind> Retired<K> {
    /// # Safety
    /// The block at `ptr` has `capacity`'s layout and its `len` items initialised, and the
    /// caller gives it up.
    pub(crate) unsafe fn new(ptr: NonNull<usize>, capacity: usize) -> Retired<K> {
        Retired {
            ptr,
            capacity,
            kind: PhantomData,
        }
    }

    pub(crate) fn len(&self) -> usize {
        // SAFETY: the block is owned here; `len` is its second word.
        unsafe { *self.ptr.as_ptr().add(1) }
    }

    /// Drop up to `n` items off the end, where they are; how many are left.
    pub(crate) fn drop_tail(&mut self, n: usize) -> usize {
        let len = self.len();
        let at = len.saturating_sub(n);
        // SAFETY: items `at..len` are initialised; `len` is lowered before they are
        // dropped, so each is dropped once even if dropping one re-enters.
        unsafe {
            *self.ptr.as_ptr().add(1) = at;
            let items = items_of::<K>(self.ptr);
            drop_items::<K>(items.add(at), len - at);
        }
        at
    }
}

impl<K: BlockKind> Drop for Retired<K> {
    fn drop(&mut self) {
        // SAFETY: the first `len` items are still there; the block has `capacity`'s layout.
        unsafe { free_block::<K>(self.ptr, self.len(), self.capacity) }
    }
}
