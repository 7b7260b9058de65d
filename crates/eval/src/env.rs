//! Runtime frames: the dynamic counterpart of the lowerer's static scopes.
//!
//! A variable resolved to `(depth, slot)` is found by following `parent` `depth` times.
//! A `with` frame has one slot, holding the (lazy) namespace.
//!
//! Frames are the most numerous allocation of an evaluation (6.5 M for a minimal NixOS
//! system, 94% of them with one slot), so [`Env`] is a one-word handle to a single block:
//! a 4-byte reference count (no weak count: nothing refers to a frame weakly), the slot
//! count, the parent, then the slots inline. A one-slot frame is 32 bytes; as an
//! `Rc<Env>` with a boxed slice for larger frames it was 48 bytes, plus a second block of
//! 16 bytes a slot for every frame of two slots or more (ARCHITECTURE.md, "Where memory
//! goes").

use crate::stats::{self, Counter};
use crate::value::Value;
use std::alloc::Layout;
use std::cell::{Cell, OnceCell};
use std::ptr::NonNull;

#[inline(always)]
fn count_frame(slots: usize) {
    stats::bump(Counter::Envs, 1);
    stats::bump(Counter::EnvElements, slots as u64);
}

/// The count word's low bits are marks (see `cycles.rs`): [`BUFFERED`], then the cycle
/// collector's old and colour bits; a reference adds [`FRAME_ONE`].
pub(crate) const BUFFERED: u32 = 1;
/// Marks below the count in a frame's count word (`BUFFERED` and three of `cycles.rs`).
pub(crate) const FRAME_FLAG_BITS: u32 = 4;
pub(crate) const FRAME_ONE: u32 = 1 << FRAME_FLAG_BITS;

/// The block's head; `len` slots (`OnceCell<Value>`) follow it.
#[repr(C)]
struct Frame {
    count: Cell<u32>,
    len: u32,
    parent: Option<Env>,
}

/// The first slot of the frame at `block`: the slots follow the head in the same block.
#[inline(always)]
fn slots_of(block: *mut Frame) -> *mut OnceCell<Value> {
    // SAFETY: in bounds of the block (one past the head at most, for a frame of no slots).
    unsafe { block.add(1) as *mut OnceCell<Value> }
}

/// Bytes of a frame besides its slots (for `NIX_SHOW_STATS`' `envs.bytes`).
pub const HEADER_BYTES: usize = std::mem::size_of::<Frame>();
const _: () = assert!(HEADER_BYTES == 16);
// A full cell is exactly its value's words (`Env::set` writes them into it).
const _: () = assert!(std::mem::size_of::<OnceCell<Value>>() == std::mem::size_of::<Value>());
const _: () = assert!(std::mem::size_of::<Option<Env>>() == 8);

/// A shared frame. Slots are written once, while the frame is built (the bindings of
/// `let`, `rec { }` and formals with defaults refer to the frame itself, so it exists
/// before its values); a slot that is not written yet reads as `None`.
pub struct Env(NonNull<Frame>);

impl Env {
    fn layout(len: usize) -> Layout {
        Layout::new::<Frame>()
            .extend(Layout::array::<OnceCell<Value>>(len).expect("frame size"))
            .expect("frame size")
            .0
    }

    /// A frame of `size` slots, all unwritten.
    #[inline(always)]
    pub fn new(parent: Option<Env>, size: usize) -> Env {
        count_frame(size);
        let marks = crate::cycles::new_frame_marks();
        let len = u32::try_from(size).expect("frame size fits the lowerer's u32 slots");
        let layout = Self::layout(size);
        // SAFETY: the layout is non-zero (the head is 16 bytes); the head and every slot
        // are initialised before the handle is returned.
        unsafe {
            let block = std::alloc::alloc(layout) as *mut Frame;
            let Some(block) = NonNull::new(block) else {
                std::alloc::handle_alloc_error(layout)
            };
            block.as_ptr().write(Frame {
                count: Cell::new(FRAME_ONE | marks),
                len,
                parent,
            });
            let slots = slots_of(block.as_ptr());
            for i in 0..size {
                slots.add(i).write(OnceCell::new());
            }
            Env(block)
        }
    }

    /// A frame of one slot holding `value`.
    #[inline(always)]
    pub fn with_slot(parent: Option<Env>, value: Value) -> Env {
        let env = Env::new(parent, 1);
        env.set(0, value);
        env
    }

    /// A frame holding `values`, in order.
    pub fn from_values(parent: Option<Env>, values: impl ExactSizeIterator<Item = Value>) -> Env {
        let env = Env::new(parent, values.len());
        for (i, v) in values.enumerate() {
            env.set(i, v);
        }
        env
    }

    #[inline(always)]
    fn frame(&self) -> &Frame {
        // SAFETY: the block lives while this handle counts in it.
        unsafe { self.0.as_ref() }
    }

    #[inline(always)]
    fn slots(&self) -> &[OnceCell<Value>] {
        let len = self.frame().len as usize;
        // SAFETY: `new` initialised `len` slots right after the head, in the same block
        // (the handle's pointer has the provenance of the whole block).
        unsafe { std::slice::from_raw_parts(slots_of(self.0.as_ptr()), len) }
    }

    /// The enclosing frame (`None` for the outermost one).
    #[inline(always)]
    pub fn parent(&self) -> Option<&Env> {
        self.frame().parent.as_ref()
    }

    /// The frame `depth` levels up.
    #[inline(always)]
    pub fn up(&self, depth: u32) -> &Env {
        let mut env = self;
        for _ in 0..depth {
            env = env.parent().expect("lowering resolved a frame that exists");
        }
        env
    }

    /// The frames at `depths` (growing outwards, as the lowerer lists the `with` frames
    /// of a variable), innermost first; each step walks on from the previous frame.
    #[inline]
    pub fn frames_at<'a>(
        &'a self,
        depths: &'a [rnix_eval_parser::ast::WithFrame],
    ) -> impl Iterator<Item = (&'a Env, &'a rnix_eval_parser::ast::WithFrame)> + 'a {
        let mut at = (self, 0);
        depths.iter().map(move |w| {
            at = (at.0.up(w.depth - at.1), w.depth);
            (at.0, w)
        })
    }

    /// Slot `slot`, or `None` while the frame is being built and it is not written yet.
    #[inline]
    pub fn get(&self, slot: u32) -> Option<&Value> {
        self.slots().get(slot as usize)?.get()
    }

    /// Slot `slot` of a built frame.
    #[inline]
    pub fn slot(&self, slot: u32) -> Value {
        self.get(slot).expect("a slot of a built frame").clone()
    }

    /// Write slot `slot` while building the frame.
    #[inline]
    pub fn set(&self, slot: usize, value: Value) {
        let cell = &self.slots()[slot];
        if cell.get().is_some() {
            unreachable!("frame slot {slot} written twice");
        }
        // A full cell is its value's two words: the cell is as large as a value, so the
        // value sits at its start, and an empty cell holds no value (its niche tag).
        // Written word by word (`crate::words`): `OnceCell::set` copied an argument made
        // just before with one 16-byte load, a store-forwarding stall on half of
        // `lambda_frame`'s samples in `benches/programs/literals`.
        // SAFETY: the cell is empty (nothing to drop), nothing borrows into it, and the
        // evaluator is single-threaded.
        unsafe { crate::words::write(cell as *const OnceCell<Value> as *mut Value, value) };
        debug_assert!(cell.get().is_some(), "a written frame slot reads as full");
    }

    /// Overwrite slot `slot` of a built frame: only for `rec { __overrides = ..; }`, whose
    /// overridden attributes Nix replaces in the set's frame once `__overrides` is
    /// evaluated (`overrides.rs`). Nothing may be borrowing the slot's value: it is called
    /// between two evaluations, by the code that made the frame.
    pub(crate) fn replace(&self, slot: usize, value: Value) {
        assert!(slot < self.slots().len(), "frame slot {slot} out of range");
        // SAFETY: in bounds (checked); the evaluator is single-threaded and the caller
        // holds no reference into the slot, so the write is not observed mid-way.
        let cell = unsafe { &mut *slots_of(self.0.as_ptr()).add(slot) };
        drop(cell.take());
        if cell.set(value).is_err() {
            unreachable!("a slot just emptied");
        }
    }

    /// The handle as a bare pointer (a thunk packs it into one word), keeping its count.
    #[inline(always)]
    pub fn into_raw(self) -> *const () {
        let p = self.0.as_ptr() as *const ();
        std::mem::forget(self);
        p
    }

    /// Whether the frame at `p` (from `into_raw`) has another handle besides the one
    /// `p` stands for: dropping that one then frees nothing.
    ///
    /// # Safety
    /// `p` must come from `into_raw` and its handle not be taken back yet.
    #[inline(always)]
    pub unsafe fn is_shared_raw(p: *const ()) -> bool {
        (*(p as *const Frame)).count.get() >= 2 * FRAME_ONE
    }

    /// A handle from `into_raw`, taking back its count.
    ///
    /// # Safety
    /// `p` must come from `into_raw`, and each such pointer is taken back once.
    #[inline(always)]
    pub unsafe fn from_raw(p: *const ()) -> Env {
        Env(NonNull::new_unchecked(p as *mut Frame))
    }

    /// Take the value of slot `slot` of the frame `depth` up, if no other handle exists
    /// to any frame from this one to that one: then nothing else can read the slot, and
    /// a `++` the lowerer marked (`moves.rs`: read nowhere after it) may own the value.
    pub fn take_unshared(&self, depth: u32, slot: u32) -> Option<Value> {
        let mut env = self;
        for _ in 0..depth {
            if env.frame().count.get() >> FRAME_FLAG_BITS != 1 {
                return None;
            }
            env = env.parent()?;
        }
        if env.frame().count.get() >> FRAME_FLAG_BITS != 1 || slot >= env.frame().len {
            return None;
        }
        // SAFETY: the slot is in the block; no reference into it is alive (the caller
        // holds only the frame handles, and the frames are not shared).
        unsafe {
            let cell = slots_of(env.0.as_ptr()).add(slot as usize);
            (*cell).take()
        }
    }

    /// Put `value` into the only slot of a one-slot frame nothing else refers to (one
    /// handle, not buffered by the cycle collector), dropping what was there: the frame of
    /// a finished call used again for the next call of the same function (`repeat.rs`).
    /// Gives `value` back when the frame is shared.
    #[inline]
    pub(crate) fn refill(&self, value: Value) -> Result<(), Value> {
        if !self.is_unshared_one_slot() {
            return Err(value);
        }
        // SAFETY: slot 0 exists (`len` is 1); the only handle is `self`, so no reference
        // into the slot is alive.
        let old = unsafe {
            let cell = slots_of(self.0.as_ptr());
            let old = (*cell).take();
            let _ = (*cell).set(value);
            old
        };
        if let Some(old) = old {
            crate::value::release(old);
        }
        // Counted as a frame made, as Nix's `envs` counts one per call.
        count_frame(1);
        Ok(())
    }

    /// One slot, one handle (this one), not buffered by the cycle collector.
    #[inline]
    pub(crate) fn is_unshared_one_slot(&self) -> bool {
        let frame = self.frame();
        frame.count.get() & !crate::cycles::OLD == FRAME_ONE && frame.len == 1
    }

    /// Put back a value taken with `take_unshared` (the `++` failed).
    pub fn put_back(&self, depth: u32, slot: u32, value: Value) {
        self.up(depth).set(slot as usize, value);
    }

    /// The frame's block address (the cycle collector's name for it).
    #[inline(always)]
    pub(crate) fn block(&self) -> *const () {
        self.0.as_ptr() as *const ()
    }

    /// Do both handles name the same frame?
    pub fn ptr_eq(&self, other: &Env) -> bool {
        self.0 == other.0
    }
}

impl Clone for Env {
    #[inline(always)]
    fn clone(&self) -> Env {
        let count = &self.frame().count;
        let next = count.get().wrapping_add(FRAME_ONE);
        if next < FRAME_ONE {
            // 2^28 references need at least 2 GiB of handles to one frame: only a bug
            // gets here.
            std::process::abort();
        }
        count.set(next);
        Env(self.0)
    }
}

impl Drop for Env {
    #[inline(always)]
    fn drop(&mut self) {
        let count = &self.frame().count;
        let left = count.get() - FRAME_ONE;
        count.set(left);
        if left < FRAME_ONE {
            self.free(left);
        } else if left & (BUFFERED | crate::cycles::OLD) == 0 {
            // Released but still held: the frame may now be held only by a cycle.
            crate::cycles::released(self.0.as_ptr() as *const ());
        }
    }
}

impl Env {
    /// Drop the slots and the parent, then the block; a frame the cycle collector has
    /// buffered keeps its block until the collector lets it go (`dealloc_released`).
    #[inline(never)]
    fn free(&mut self, marks: u32) {
        // SAFETY: the count reached zero, so this is the only handle.
        unsafe {
            Self::drop_contents(self.0.as_ptr());
            if marks & BUFFERED == 0 {
                Self::dealloc(self.0.as_ptr());
            }
        }
    }

    /// Drop the slots and the parent. Nested values are freed as any value is (deep thunk
    /// chains are queued by `Thunk`'s drop, not recursed into); the parent chain is as
    /// deep as the source's lexical nesting.
    ///
    /// # Safety
    /// No handle to the frame is used afterwards except to deallocate it; the slots and
    /// the parent are dropped exactly once (taken ones are `None`).
    unsafe fn drop_contents(block: *mut Frame) {
        let len = (*block).len as usize;
        let slots = slots_of(block);
        // Numbers and booleans own nothing: skip the out-of-line drop glue for them.
        for i in 0..len {
            let slot = slots.add(i);
            if (*slot).get().is_some_and(Value::owns_heap) {
                std::ptr::drop_in_place(slot);
            }
        }
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*block).parent));
    }

    /// # Safety
    /// The contents were dropped; the block is returned with its allocation's layout.
    unsafe fn dealloc(block: *mut Frame) {
        std::alloc::dealloc(block as *mut u8, Self::layout((*block).len as usize));
    }

    /// The count word of the frame at `block` (for `cycles.rs`).
    ///
    /// # Safety
    /// The block must not be deallocated.
    pub(crate) unsafe fn count_word<'a>(block: *const ()) -> &'a Cell<u32> {
        &(*(block as *const Frame)).count
    }

    /// The parent and the written slots of the live frame at `block`.
    ///
    /// # Safety
    /// The frame must be alive.
    pub(crate) unsafe fn refs_of<'a>(block: *const ()) -> (Option<&'a Env>, impl Iterator<Item = &'a Value>) {
        let frame = &*(block as *const Frame);
        let slots = std::slice::from_raw_parts(slots_of(block as *mut Frame), frame.len as usize);
        (frame.parent.as_ref(), slots.iter().filter_map(OnceCell::get))
    }

    /// Take the slots and the parent out of the frame at `block`, which the cycle
    /// collector found held only by a garbage cycle; dropping them breaks the cycle.
    ///
    /// # Safety
    /// The frame must be alive, and nothing may read it (nothing outside the cycle holds
    /// it).
    pub(crate) unsafe fn take_contents(block: *const (), out: &mut Vec<Value>) -> Option<Env> {
        let block = block as *mut Frame;
        let slots = slots_of(block);
        for i in 0..(*block).len as usize {
            if let Some(v) = (*slots.add(i)).take() {
                out.push(v);
            }
        }
        std::ptr::replace(std::ptr::addr_of_mut!((*block).parent), None)
    }

    /// Deallocate a frame released while buffered (its contents are gone).
    ///
    /// # Safety
    /// The frame's count reached zero while it was buffered, and nothing refers to it.
    pub(crate) unsafe fn dealloc_released(block: *const ()) {
        Self::dealloc(block as *mut Frame);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_parents_and_sharing() {
        let outer = Env::new(None, 2);
        outer.set(0, Value::Int(1));
        assert!(outer.get(1).is_none());
        outer.set(1, Value::Int(2));
        let inner = Env::with_slot(Some(outer.clone()), Value::Int(3));
        let copy = inner.clone();
        drop(inner);
        assert!(matches!(copy.up(1).get(1), Some(Value::Int(2))));
        assert!(matches!(copy.get(0), Some(Value::Int(3))));
        assert!(copy.up(1).ptr_eq(&outer));
        assert!(copy.get(1).is_none());
        let empty = Env::from_values(None, std::iter::empty());
        assert!(empty.get(0).is_none());
    }

    /// `set` writes a value's words into the cell itself: every kind reads back as it
    /// was written (a one-byte payload, none, a float, a counted handle).
    #[test]
    fn set_writes_a_full_cell_of_any_kind() {
        let string = Value::string(&b"s"[..]);
        let values = [
            Value::Null,
            Value::Bool(true),
            Value::Float(0.5),
            Value::Int(-7),
            string,
        ];
        let frame = Env::from_values(None, values.into_iter());
        assert!(matches!(frame.get(0), Some(Value::Null)));
        assert!(matches!(frame.get(1), Some(Value::Bool(true))));
        assert!(matches!(frame.get(2), Some(Value::Float(f)) if *f == 0.5));
        assert!(matches!(frame.get(3), Some(Value::Int(-7))));
        assert!(matches!(frame.get(4), Some(Value::String(s)) if s.as_bytes() == b"s"));
    }
}
