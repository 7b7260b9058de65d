//! A reference-counted box with one count: `std::rc::Rc` without weak references.
//!
//! Every shared payload of a [`Value`](crate::value::Value) (thunks, sets, lists,
//! closures, strings) is one of these. Nothing in the evaluator refers to a value
//! weakly, and `std`'s weak count cost 8 bytes in each of the ~12 M such blocks of a
//! NixOS evaluation (a thunk cell was 40 bytes, now 32). The API is the subset of
//! `std::rc::Rc` the evaluator uses, with the same names.
//!
//! The count word also carries the cycle collector's marks (`cycles.rs`) in its low
//! [`FLAG_BITS`] bits, laid out as a frame's: a reference adds [`ONE`], and a block is
//! freed when fewer than `ONE` remain (a compare after the subtraction, where a test for
//! zero used its flags: about 70 M more instructions on the minimal NixOS system).

use std::cell::Cell;
use std::ops::Deref;
use std::ptr::NonNull;

/// Low bits of the count word that are marks, not references.
pub(crate) const FLAG_BITS: u32 = 4;
/// What one reference adds to the count word.
pub(crate) const ONE: usize = 1 << FLAG_BITS;

#[repr(C)]
struct Inner<T> {
    count: Cell<usize>,
    value: T,
}

/// What a payload does when its last handle goes, just before it is freed: a large list
/// or set hands its elements to [`crate::teardown`] instead of freeing them now.
pub trait Retire {
    /// Whether [`Rc::new`] moves the payload into its block word by word
    /// ([`crate::words`]): for payloads that are mostly made just before, on the stack,
    /// by code that writes them in 8-byte stores (a string's `Bytes`).
    const MOVED_BY_WORDS: bool = false;

    #[inline(always)]
    fn retire(&mut self) {}
}

/// A shared, immutable `T` with a single reference count.
pub struct Rc<T: Retire>(NonNull<Inner<T>>);

impl<T: Retire> Rc<T> {
    #[inline]
    pub fn new(value: T) -> Rc<T> {
        if T::MOVED_BY_WORDS {
            return Rc::new_by_words(value);
        }
        let inner = Box::new(Inner {
            count: Cell::new(ONE),
            value,
        });
        // SAFETY: `Box::into_raw` never returns null.
        Rc(unsafe { NonNull::new_unchecked(Box::into_raw(inner)) })
    }

    /// [`Rc::new`] of a `MOVED_BY_WORDS` payload: the box is allocated first and the
    /// payload moved into it word by word.
    #[inline(always)]
    fn new_by_words(value: T) -> Rc<T> {
        let mut block = Box::<Inner<T>>::new_uninit();
        let inner = block.as_mut_ptr();
        // SAFETY: both fields of the fresh box are written (through raw pointers) before
        // it is taken as initialised.
        let block = unsafe {
            std::ptr::addr_of_mut!((*inner).count).write(Cell::new(ONE));
            crate::words::write(std::ptr::addr_of_mut!((*inner).value), value);
            block.assume_init()
        };
        // SAFETY: `Box::into_raw` never returns null.
        Rc(unsafe { NonNull::new_unchecked(Box::into_raw(block)) })
    }

    #[inline(always)]
    fn inner(&self) -> &Inner<T> {
        // SAFETY: the block lives while this handle counts in it.
        unsafe { self.0.as_ref() }
    }

    /// Give up `this` reference if it is not the last one (true); the last one is left
    /// alone (false), for a caller that frees what it holds first.
    #[inline(always)]
    pub(crate) fn release_if_shared(this: &Rc<T>) -> bool {
        let count = &this.inner().count;
        let c = count.get();
        if c >= 2 * ONE {
            count.set(c - ONE);
            return true;
        }
        false
    }

    #[inline]
    pub fn strong_count(this: &Rc<T>) -> usize {
        this.inner().count.get() >> FLAG_BITS
    }

    /// The block's address, which names it for the cycle collector.
    #[inline(always)]
    pub(crate) fn block(this: &Rc<T>) -> *const () {
        this.0.as_ptr() as *const ()
    }

    /// The payload of the block at `block`.
    ///
    /// # Safety
    /// The block must be alive and hold a `T`.
    #[inline(always)]
    pub(crate) unsafe fn payload<'a>(block: *const ()) -> &'a T {
        &(*(block as *const Inner<T>)).value
    }

    #[inline]
    pub fn ptr_eq(a: &Rc<T>, b: &Rc<T>) -> bool {
        a.0 == b.0
    }

    /// The address of the payload (for cycle and identity checks).
    #[inline]
    pub fn as_ptr(this: &Rc<T>) -> *const T {
        // SAFETY: in bounds of the live block.
        unsafe { std::ptr::addr_of!((*this.0.as_ptr()).value) }
    }

    /// The handle as its block's address, which keeps the reference it counts
    /// ([`Rc::from_raw`] gives it back).
    #[inline(always)]
    pub(crate) fn into_raw(this: Rc<T>) -> *const () {
        std::mem::ManuallyDrop::new(this).0.as_ptr() as *const ()
    }

    /// The handle [`Rc::into_raw`] made.
    ///
    /// # Safety
    /// `block` must come from `Rc::<T>::into_raw`, and each such address is taken back once.
    #[inline(always)]
    pub(crate) unsafe fn from_raw(block: *const ()) -> Rc<T> {
        Rc(NonNull::new_unchecked(block as *mut Inner<T>))
    }

    /// The payload, if this is its only reference.
    pub fn try_unwrap(this: Rc<T>) -> Result<T, Rc<T>> {
        if Rc::strong_count(&this) != 1 {
            return Err(this);
        }
        let this = std::mem::ManuallyDrop::new(this);
        // SAFETY: the only handle, which is forgotten: the block is taken back as the
        // box it was made from.
        let inner = unsafe { Box::from_raw(this.0.as_ptr()) };
        Ok(inner.value)
    }

    /// The payload, mutably, if this is its only reference.
    pub fn get_mut(this: &mut Rc<T>) -> Option<&mut T> {
        if Rc::strong_count(this) != 1 {
            return None;
        }
        // SAFETY: the only handle, borrowed mutably.
        Some(unsafe { &mut (*this.0.as_ptr()).value })
    }
}

impl<T: Retire + Clone> Rc<T> {
    /// The payload, cloned if it is shared.
    pub fn unwrap_or_clone(this: Rc<T>) -> T {
        Rc::try_unwrap(this).unwrap_or_else(|shared| (*shared).clone())
    }
}

impl<T: Retire> Clone for Rc<T> {
    #[inline(always)]
    fn clone(&self) -> Rc<T> {
        let count = &self.inner().count;
        // Overflow needs 2^60 handles: no memory holds them.
        count.set(count.get() + ONE);
        Rc(self.0)
    }
}

impl<T: Retire> Drop for Rc<T> {
    #[inline(always)]
    fn drop(&mut self) {
        let count = &self.inner().count;
        let left = count.get() - ONE;
        count.set(left);
        if left < ONE {
            self.drop_slow();
        }
    }
}

impl<T: Retire> Rc<T> {
    /// Out of line, so dropping a `Value` stays a count decrement per variant and can be
    /// inlined where values die (as `std`'s `Rc` does).
    #[inline(never)]
    fn drop_slow(&mut self) {
        // SAFETY: the last handle: the block is taken back as the box it was.
        let mut block = unsafe { Box::from_raw(self.0.as_ptr()) };
        block.value.retire();
        drop(block);
    }
}

impl<T: Retire> Deref for Rc<T> {
    type Target = T;
    #[inline(always)]
    fn deref(&self) -> &T {
        &self.inner().value
    }
}

impl<T: Retire> AsRef<T> for Rc<T> {
    fn as_ref(&self) -> &T {
        self
    }
}

impl<T: Retire + std::fmt::Debug> std::fmt::Debug for Rc<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

impl<T: Retire + std::fmt::Display> std::fmt::Display for Rc<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

impl<T: Retire + PartialEq> PartialEq for Rc<T> {
    fn eq(&self, other: &Rc<T>) -> bool {
        **self == **other
    }
}

#[cfg(test)]
mod tests {
    use super::{Rc, Retire};

    impl Retire for Vec<i32> {}

    #[test]
    fn counts_shares_and_unwraps() {
        let a = Rc::new(vec![1, 2]);
        let b = a.clone();
        assert_eq!(Rc::strong_count(&a), 2);
        assert!(Rc::ptr_eq(&a, &b));
        let a = Rc::try_unwrap(a).unwrap_err();
        drop(b);
        assert_eq!(Rc::strong_count(&a), 1);
        assert_eq!(Rc::try_unwrap(a).unwrap(), vec![1, 2]);
        let mut c = Rc::new(String::from("x"));
        Rc::get_mut(&mut c).unwrap().push('y');
        assert_eq!(&*c, "xy");
    }
}
