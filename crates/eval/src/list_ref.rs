//! The counted block of a list: its header and its elements in one allocation.
//!
//! A list was a counted box (the count and a vector's pointer, capacity and length) beside
//! the vector's buffer: two allocations and two frees a list, and every element read went
//! through the box to the buffer, two cache misses. A NixOS system makes about 1.2 M lists.
//! As a set's block (`set_ref.rs`), the block is `[count, len, elements...]`: [`ListRef`] is
//! a thin pointer to it with `rc::Rc`'s count word (the cycle collector's marks in its low
//! bits), and it dereferences to the slice of its elements.
//!
//! Invariants: `len` is the number of initialised elements; the block was allocated with
//! [`layout`]`(len)`; the count word follows `rc`'s rules.

use crate::block::{self, BlockKind};
use crate::rc::ONE;
use crate::value::Value;
use std::alloc::Layout;
use std::cell::Cell;
use std::ops::Deref;
use std::ptr::NonNull;

/// The header before a list's elements: its count and length.
pub const HEADER_BYTES: usize = 2 * std::mem::size_of::<usize>();

/// The block kind of a list: two words (count, length), then the elements.
pub(crate) struct ListBlock;

impl BlockKind for ListBlock {
    type Item = Value;
    const HEADER_BYTES: usize = HEADER_BYTES;
    #[inline(always)]
    fn owns_nothing(item: &Value) -> bool {
        !item.owns_heap()
    }
}

/// The block of a list of `len` elements.
fn layout(len: usize) -> Layout {
    block::layout::<ListBlock>(len)
}

/// Where the elements of the block at `ptr` start.
#[inline(always)]
fn elements_of(ptr: NonNull<usize>) -> *mut Value {
    block::items_of::<ListBlock>(ptr)
}

/// See [`block::free_block`].
unsafe fn free_block(ptr: NonNull<usize>, len: usize, capacity: usize) {
    block::free_block::<ListBlock>(ptr, len, capacity)
}

/// A counted reference to a list's block.
pub struct ListRef(NonNull<usize>);

impl ListRef {
    /// The elements of `items` in a block of their own.
    pub fn from_vec(items: Vec<Value>) -> ListRef {
        ListRef::collect(items.into_iter())
    }

    /// The list of the elements `items` yields, made in its block directly.
    pub fn collect(items: impl ExactSizeIterator<Item = Value>) -> ListRef {
        if items.len() == 0 {
            return ListRef::empty();
        }
        let mut builder = ListBuilder::with_capacity(items.len());
        for item in items {
            builder.push(item);
        }
        builder.finish()
    }

    #[inline(always)]
    fn len_word(&self) -> usize {
        // SAFETY: the block is alive while this handle counts in it; `len` is its second word.
        unsafe { *self.0.as_ptr().add(1) }
    }

    #[inline]
    pub fn strong_count(this: &ListRef) -> usize {
        // SAFETY: the block is alive while this handle counts in it.
        unsafe { block::strong_count(this.0) }
    }

    #[inline]
    pub fn ptr_eq(a: &ListRef, b: &ListRef) -> bool {
        a.0 == b.0
    }

    /// The block's address: the list's identity (`«repeated»`), and its name for the
    /// cycle collector (its first word is the count, as an `rc::Rc` box's).
    #[inline(always)]
    pub fn as_ptr(this: &ListRef) -> *const () {
        this.0.as_ptr() as *const ()
    }

    /// The elements of the list in the block at `block`.
    ///
    /// # Safety
    /// The block must be alive and hold a list.
    #[inline(always)]
    pub(crate) unsafe fn payload<'a>(block: *const ()) -> &'a [Value] {
        let ptr = NonNull::new_unchecked(block as *mut usize);
        std::slice::from_raw_parts(elements_of(ptr), *ptr.as_ptr().add(1))
    }

    /// `a ++ b`. An operand nothing else refers to gives its elements up (moved, not
    /// cloned and dropped), and an unshared `a` grows its block (in place within the
    /// allocator's size class) to take `b`'s: a recursion that builds a list with
    /// `acc ++ [ x ]` is still quadratic, as in Nix, but each step is a `memcpy` at most.
    pub fn concat(a: ListRef, b: ListRef) -> ListRef {
        if ListRef::strong_count(&a) == 1 {
            let a = std::mem::ManuallyDrop::new(a);
            let (old_len, added) = (a.len_word(), b.len());
            crate::stats::bump(crate::stats::Counter::ListElements, (old_len + added) as u64);
            // SAFETY: the only handle to `a`, given up here: its block is reallocated to
            // room for `b`'s elements, which are written there before `len` counts them.
            unsafe {
                let ptr = reallocate(a.0, old_len, old_len + added);
                move_or_clone_into(b, elements_of(ptr).add(old_len));
                *ptr.as_ptr().add(1) = old_len + added;
                return ListRef(ptr);
            }
        }
        let mut out = ListBuilder::with_capacity(a.len() + b.len());
        out.extend_from(a);
        out.extend_from(b);
        out.finish()
    }

    /// Out of line, so dropping a `Value` stays a count decrement per variant.
    #[inline(never)]
    fn drop_slow(&mut self) {
        let len = self.len_word();
        // SAFETY: the last handle: the elements are dropped (or the block queued for
        // `teardown`, which owns it from then on), then the block is freed.
        unsafe {
            if len >= crate::teardown::DEFER_MIN {
                crate::teardown::retire_list(RetiredList::new(self.0, len));
                return;
            }
            free_block(self.0, len, len);
        }
    }
}

/// See [`block::reallocate`].
unsafe fn reallocate(ptr: NonNull<usize>, old: usize, new: usize) -> NonNull<usize> {
    block::reallocate::<ListBlock>(ptr, old, new)
}

/// Write the elements of `list` from `dst` on: moved out when this was the list's only
/// reference (its block freed without them), cloned otherwise.
///
/// # Safety
/// `dst` must have room for `list.len()` values, and nothing there to drop.
unsafe fn move_or_clone_into(list: ListRef, dst: *mut Value) {
    let len = list.len();
    if ListRef::strong_count(&list) == 1 {
        let list = std::mem::ManuallyDrop::new(list);
        std::ptr::copy_nonoverlapping(elements_of(list.0), dst, len);
        std::alloc::dealloc(list.0.as_ptr() as *mut u8, layout(len));
    } else {
        // The words copied at once, then a count raised for each element that has one
        // (every clone of a value is a copy of its words and one more reference): cloning
        // element by element was a match and a store each.
        std::ptr::copy_nonoverlapping(elements_of(list.0), dst, len);
        for item in list.iter() {
            if item.owns_heap() {
                std::mem::forget(item.clone());
            }
        }
    }
}

/// A list being made in its block: elements pushed (the block grows as a vector does), then
/// [`ListBuilder::finish`]. One allocation where a vector and the counted box were two.
pub struct ListBuilder {
    ptr: NonNull<usize>,
    capacity: usize,
    len: usize,
}

impl ListBuilder {
    pub fn with_capacity(capacity: usize) -> ListBuilder {
        ListBuilder {
            ptr: block::allocate::<ListBlock>(capacity),
            capacity,
            len: 0,
        }
    }

    #[inline(always)]
    pub fn push(&mut self, item: Value) {
        if self.len == self.capacity {
            self.grow();
        }
        // SAFETY: slot `len` is within the capacity and not yet written. By its words
        // ([`crate::words`]): an element just made (a thunk's tag and pointer) copied
        // with one 16-byte load stalled on three quarters of `genList`'s samples.
        unsafe { crate::words::write(elements_of(self.ptr).add(self.len), item) };
        self.len += 1;
    }

    /// Push the elements of `list`: moved when this was its only reference.
    pub fn extend_from(&mut self, list: ListRef) {
        let added = list.len();
        if self.len + added > self.capacity {
            self.grow_to(self.len + added);
        }
        // SAFETY: the slots from `len` on have room for `added` values and hold nothing.
        unsafe { move_or_clone_into(list, elements_of(self.ptr).add(self.len)) };
        self.len += added;
    }

    #[cold]
    fn grow(&mut self) {
        self.grow_to(self.len + 1);
    }

    fn grow_to(&mut self, needed: usize) {
        let capacity = (self.capacity * 2).max(needed).max(4);
        // SAFETY: the block is the builder's, allocated for `self.capacity`.
        self.ptr = unsafe { reallocate(self.ptr, self.capacity, capacity) };
        self.capacity = capacity;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The list of the elements pushed, in a block of their number (the thread's one empty
    /// list when there are none).
    pub fn finish(self) -> ListRef {
        if self.len == 0 {
            return ListRef::empty();
        }
        let this = std::mem::ManuallyDrop::new(self);
        let (len, capacity) = (this.len, this.capacity);
        crate::stats::bump(crate::stats::Counter::ListElements, len as u64);
        // SAFETY: the block is shrunk to `len` elements, all initialised, and its header
        // written before it is a `ListRef`.
        unsafe {
            let ptr = if len < capacity {
                reallocate(this.ptr, capacity, len)
            } else {
                this.ptr
            };
            ptr.as_ptr().write(ONE);
            ptr.as_ptr().add(1).write(len);
            ListRef(ptr)
        }
    }
}

impl Drop for ListBuilder {
    /// A builder dropped unfinished (an error while filling it) frees what it holds.
    fn drop(&mut self) {
        // SAFETY: `len` elements are initialised; the block has `capacity`'s layout.
        unsafe { free_block(self.ptr, self.len, self.capacity) }
    }
}

/// A large list's block, queued by `teardown` ([`block::Retired`]).
pub(crate) type RetiredList = block::Retired<ListBlock>;

thread_local! {
    /// The empty list of this thread: `[ ]` (`optional false x`, `optionals`, a `filter`
    /// that keeps nothing) is made often, and Nix allocates nothing for it. A block in the
    /// thread's static storage, never freed: its count starts so high that it never falls
    /// to zero, and values do not leave their thread.
    static EMPTY: [Cell<usize>; 2] = const { [Cell::new(1 << 62), Cell::new(0)] };
}

impl ListRef {
    /// The empty list, shared by every `[ ]` of this thread.
    #[inline]
    pub fn empty() -> ListRef {
        EMPTY.with(|words| {
            let ptr = NonNull::from(words).cast();
            // SAFETY: the block lives as long as the thread, and its count never reaches
            // zero.
            unsafe { block::retain(ptr) };
            ListRef(ptr)
        })
    }
}

impl Default for ListRef {
    fn default() -> ListRef {
        ListRef::empty()
    }
}

impl Clone for ListRef {
    #[inline(always)]
    fn clone(&self) -> ListRef {
        // SAFETY: this handle holds a reference.
        unsafe { block::retain(self.0) };
        ListRef(self.0)
    }
}

impl Drop for ListRef {
    #[inline(always)]
    fn drop(&mut self) {
        // SAFETY: this handle's reference is given up.
        if unsafe { block::release(self.0) } {
            self.drop_slow();
        }
    }
}

impl Deref for ListRef {
    type Target = [Value];
    #[inline(always)]
    fn deref(&self) -> &[Value] {
        // SAFETY: the block is alive while this handle counts in it; `len` elements are
        // initialised.
        unsafe { std::slice::from_raw_parts(elements_of(self.0), self.len_word()) }
    }
}

const _: () = assert!(std::mem::align_of::<Value>() == std::mem::align_of::<usize>());
const _: () = assert!(HEADER_BYTES.is_multiple_of(std::mem::align_of::<Value>()));

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(list: &[Value]) -> Vec<i64> {
        list.iter()
            .map(|v| match v {
                Value::Int(i) => *i,
                _ => panic!("not an int"),
            })
            .collect()
    }

    #[test]
    fn the_elements_follow_the_header_in_one_block() {
        let list = ListRef::collect([0, 1, 2].into_iter().map(Value::Int));
        assert_eq!(layout(0).size(), HEADER_BYTES);
        assert_eq!(layout(3).size(), HEADER_BYTES + 3 * std::mem::size_of::<Value>());
        assert_eq!(list.as_ptr() as usize, ListRef::as_ptr(&list) as usize + HEADER_BYTES);
        assert_eq!(ints(&list), [0, 1, 2]);
        let payload = unsafe { ListRef::payload(ListRef::as_ptr(&list)) };
        assert!(std::ptr::eq(payload, &*list));
    }

    #[test]
    fn a_builder_grows_and_shrinks_to_what_it_got() {
        let mut builder = ListBuilder::with_capacity(1);
        for i in 0..37 {
            builder.push(Value::Int(i));
        }
        assert_eq!(builder.len(), 37);
        let list = builder.finish();
        assert_eq!(ints(&list), (0..37).collect::<Vec<_>>());
        let empty = ListBuilder::with_capacity(8).finish();
        assert!(empty.is_empty());
        assert!(ListRef::default().is_empty());
        // Every empty list of a thread is one block, counted like any other.
        let [a, b] = [ListRef::empty(), ListRef::from_vec(Vec::new())];
        assert!(ListRef::ptr_eq(&a, &b) && ListRef::ptr_eq(&a, &empty));
        let before = ListRef::strong_count(&a);
        drop(b);
        assert_eq!(ListRef::strong_count(&a), before - 1);
    }

    #[test]
    fn concat_moves_unshared_operands_and_copies_shared_ones() {
        let shared = Value::string("s");
        let count = || {
            let Value::String(s) = &shared else { unreachable!() };
            crate::rc::Rc::strong_count(s)
        };
        let a = ListRef::from_vec(vec![Value::Int(1)]);
        let b = ListRef::from_vec(vec![shared.clone(), Value::Int(3)]);
        let ab = ListRef::concat(a, b);
        assert_eq!(count(), 2, "moved, not cloned");
        let kept = ab.clone();
        let abc = ListRef::concat(ab, ListRef::from_vec(vec![Value::Int(4)]));
        assert_eq!(count(), 3, "a shared left operand is copied");
        assert_eq!(kept.len(), 3);
        assert_eq!(abc.len(), 4);
        assert!(!ListRef::ptr_eq(&kept, &abc));
        let both = ListRef::concat(abc.clone(), abc.clone());
        assert_eq!(both.len(), 8);
        drop((kept, abc, both));
        assert_eq!(count(), 1);
    }

    #[test]
    fn an_unfinished_builder_releases_its_elements() {
        let shared = Value::string("s");
        let mut builder = ListBuilder::with_capacity(2);
        builder.push(shared.clone());
        builder.push(shared.clone());
        drop(builder);
        let Value::String(s) = &shared else { unreachable!() };
        assert_eq!(crate::rc::Rc::strong_count(s), 1);
    }

    #[test]
    fn a_large_list_is_queued_whole_and_keeps_its_values_counted() {
        crate::teardown::drain();
        let shared = Value::string("shared");
        let n = crate::teardown::DEFER_MIN;
        drop(ListRef::collect(std::iter::repeat_n(shared.clone(), n)));
        assert_eq!(crate::teardown::queued(), n);
        let Value::String(s) = &shared else { unreachable!() };
        assert_eq!(crate::rc::Rc::strong_count(s), n + 1);
        crate::teardown::free_some();
        assert_eq!(crate::teardown::queued(), n - 64);
        crate::teardown::drain();
        assert_eq!(crate::rc::Rc::strong_count(s), 1);
    }
}
