//! The process allocator: mimalloc, tuned for an evaluator whose heap only grows.
//!
//! Evaluation allocates many small short-lived objects (thunks, frames, closures);
//! mimalloc serves them much faster than the system allocator.

use libmimalloc_sys as mi;
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// mimalloc's blocks are word multiples in word-aligned pages, so any request aligned to
/// a word or less can take `mi_malloc`'s inlined fast path; the `mimalloc` crate's
/// wrapper always went through `mi_malloc_aligned` (4% of a NixOS evaluation).
const WORD: usize = std::mem::size_of::<usize>();

pub struct MiMalloc;

/// An allocation the system refuses (`ulimit -v`, no memory left, an absurd size) ends
/// the process as Nix's does: `error: out of memory`, exit 1. Rust would abort (SIGABRT)
/// instead. Nothing else can be done at that point: unwinding would allocate, and any
/// caller's data may be half built.
#[cold]
#[inline(never)]
fn out_of_memory() -> ! {
    const MESSAGE: &[u8] = b"error: out of memory\n";
    // SAFETY: writes a static buffer to stderr and exits without running destructors
    // or allocating. Past the result cache's tee: its reader would not get to it.
    unsafe {
        libc::write(crate::stderr_tee::real_stderr(), MESSAGE.as_ptr().cast(), MESSAGE.len());
        libc::_exit(1)
    }
}

#[inline]
fn checked(p: *mut c_void) -> *mut u8 {
    if p.is_null() {
        out_of_memory();
    }
    p as *mut u8
}

// SAFETY: every block comes from mimalloc with at least the requested alignment
// (`mi_malloc` for word alignment or less, `mi_malloc_aligned` otherwise) and goes back
// to mimalloc's `mi_free`/`mi_realloc*`.
unsafe impl GlobalAlloc for MiMalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= WORD {
            checked(mi::mi_malloc(layout.size()))
        } else {
            checked(mi::mi_malloc_aligned(layout.size(), layout.align()))
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= WORD {
            checked(mi::mi_zalloc(layout.size()))
        } else {
            checked(mi::mi_zalloc_aligned(layout.size(), layout.align()))
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        mi::mi_free(ptr as *mut c_void);
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= WORD {
            checked(mi::mi_realloc(ptr as *mut c_void, new_size))
        } else {
            checked(mi::mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align()))
        }
    }
}

/// `mi_option_purge_delay` in mimalloc v2's `mimalloc.h` (the Rust bindings lack it).
const MI_OPTION_PURGE_DELAY: mi::mi_option_t = 15;

/// An evaluation's heap only grows until it ends, yet by default mimalloc hands freed
/// pages back to the kernel after 10 ms and faults them in again, zeroed, moments later:
/// a NixOS evaluation spent 1.2 s of system time on that (measured with `perf`). Never
/// purging keeps freed pages for reuse, as Nix's garbage collector does.
///
/// Transparent huge pages are turned off for the process: mimalloc asks for them, and
/// the kernel's compaction to find 2 MiB pages cost a NixOS evaluation 1.0 s of system
/// time against 0.4 s with normal pages (measured with `/usr/bin/time`).
pub fn keep_freed_memory() {
    // SAFETY: sets a plain integer option; mimalloc reads options on use.
    unsafe { mi::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    #[cfg(target_os = "linux")]
    // SAFETY: a flag on this process's memory map; no pointers involved. A kernel
    // without the option returns an error, which changes nothing.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
