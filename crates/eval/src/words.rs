//! Moves of freshly made values word by word.
//!
//! Rust moves a 16-byte or larger value with vector loads and stores. A value just made
//! on the stack (a thunk's tag and pointer, a clone, a callee's result, a string's
//! `Bytes` fresh from `bytes`) sits there as 8-byte stores, and a 16-byte load of two of
//! them cannot be forwarded from the store buffer: it waits 10-15 cycles for them to
//! reach the cache. These helpers move such a value by 8-byte loads and stores, which
//! are forwarded (ARCHITECTURE.md, "Values are built where they are returned").

use std::mem::{align_of, size_of, ManuallyDrop, MaybeUninit};
use std::ptr::{read_volatile, write_volatile};

/// Move `v` into `dst` word by word. Volatile accesses, so that the compiler does not
/// merge the word moves back into vector ones.
///
/// # Safety
/// `dst` is valid for writes of a `T` and holds nothing that needs dropping.
#[inline(always)]
pub(crate) unsafe fn write<T>(dst: *mut T, v: T) {
    const { assert!(size_of::<T>().is_multiple_of(8) && align_of::<T>() >= 8) };
    let v = ManuallyDrop::new(v);
    // `MaybeUninit` words: padding and unused payload bytes are not initialised.
    let src = (&*v as *const T).cast::<MaybeUninit<u64>>();
    let dst = dst.cast::<MaybeUninit<u64>>();
    for i in 0..size_of::<T>() / 8 {
        write_volatile(dst.add(i), read_volatile(src.add(i)));
    }
}

/// `v` moved by its words into a new place (the return value).
#[inline(always)]
pub(crate) fn moved<T>(v: T) -> T {
    let mut out = MaybeUninit::<T>::uninit();
    // SAFETY: `out` is fresh, and `write` moves all of `v`'s words into it.
    unsafe {
        write(out.as_mut_ptr(), v);
        out.assume_init()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_move_every_byte_and_drop_once() {
        let s = std::rc::Rc::new(7);
        let pair = (s.clone(), 42u64, [1u64, 2, 3]);
        let moved = moved(pair);
        assert_eq!((*moved.0, moved.1, moved.2), (7, 42, [1, 2, 3]));
        let mut slot = MaybeUninit::<(std::rc::Rc<i32>, u64, [u64; 3])>::uninit();
        // SAFETY: a fresh slot, read back once.
        let back = unsafe {
            write(slot.as_mut_ptr(), moved);
            slot.assume_init()
        };
        assert_eq!(std::rc::Rc::strong_count(&s), 2);
        drop(back);
        assert_eq!(std::rc::Rc::strong_count(&s), 1);
    }
}
