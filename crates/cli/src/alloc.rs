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
            if let Some(p) = pool::take(layout.size()) {
                return p;
            }
            let p = checked(mi::mi_malloc(layout.size()));
            prefault::note(p, layout.size());
            p
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
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if layout.align() <= WORD && pool::keep(ptr, layout.size()) {
            return;
        }
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

/// Freed blocks of the evaluator's most numerous sizes, kept on the evaluating thread for
/// its next allocations of the same size.
///
/// Thunks (24 bytes) and frames of one and two slots (32 and 48 bytes) are 84% of the
/// allocations of a minimal NixOS system (16.5 M of 19.6 M), nearly all freed soon after:
/// a call's frame when it returns, a thunk when its value is taken. A free list of each
/// size takes and keeps a block in a few instructions, where `mi_malloc` and `mi_free`
/// take 16 and 25 (callgrind). Every word multiple from 16 to 64 bytes is kept (89% of
/// the allocations): the four sizes besides those three took 0.4% more instructions off
/// the minimal system and 0.7% off `lib.evalModules`, for 3-6 MB more peak RSS. Only the thread that turned it on ([`pool::enable`], the
/// command line's evaluation) keeps blocks, at most [`pool::CAP`] of each size: the
/// language server's threads come and go, and what a pool holds when its thread ends is
/// not given back.
pub mod pool {
    use std::cell::UnsafeCell;

    /// Blocks of each size a pool keeps; past it, freed blocks go back to mimalloc.
    pub const CAP: u32 = 1 << 16;

    const SIZES: usize = 7;

    struct Pool {
        /// The first free block of each size class; each holds the address of the next.
        heads: [*mut u8; SIZES],
        counts: [u32; SIZES],
        /// 0 until [`enable`]: nothing is kept.
        cap: u32,
    }

    thread_local! {
        // No destructor: reading it is a plain thread-local load.
        static POOL: UnsafeCell<Pool> = const {
            UnsafeCell::new(Pool { heads: [std::ptr::null_mut(); SIZES], counts: [0; SIZES], cap: 0 })
        };
    }

    #[inline(always)]
    fn class(size: usize) -> Option<usize> {
        // 16 -> 0, 24 -> 1, ... 64 -> 6.
        let class = (size >> 3).wrapping_sub(2);
        (size & 7 == 0 && class < SIZES).then_some(class)
    }

    /// Keep freed blocks on this thread from now on.
    pub fn enable() {
        // SAFETY: this thread's pool, not borrowed elsewhere (the allocator's calls do not
        // nest).
        POOL.with(|p| unsafe { (*p.get()).cap = CAP });
    }

    /// Keep nothing more on this thread (the blocks kept stay until taken).
    #[cfg(test)]
    pub fn disable() {
        // SAFETY: as in `enable`.
        POOL.with(|p| unsafe { (*p.get()).cap = 0 });
    }

    /// A kept block of `size` bytes, if there is one.
    #[inline(always)]
    pub fn take(size: usize) -> Option<*mut u8> {
        let class = class(size)?;
        // SAFETY: this thread's pool; every block on a list is a free mimalloc block of
        // the list's size whose first word is the next block's address.
        POOL.with(|p| unsafe {
            let p = &mut *p.get();
            let head = p.heads[class];
            if head.is_null() {
                return None;
            }
            p.heads[class] = *(head as *mut *mut u8);
            p.counts[class] -= 1;
            Some(head)
        })
    }

    /// Keep the freed block `ptr` of `size` bytes; false if it is not kept.
    ///
    /// # Safety
    /// `ptr` is a block from this allocator of `size` bytes, no longer used.
    #[inline(always)]
    pub unsafe fn keep(ptr: *mut u8, size: usize) -> bool {
        let Some(class) = class(size) else {
            return false;
        };
        // SAFETY: as in `take`; the block is at least a word and aligned to one.
        POOL.with(|p| unsafe {
            let p = &mut *p.get();
            if p.counts[class] >= p.cap {
                return false;
            }
            *(ptr as *mut *mut u8) = p.heads[class];
            p.heads[class] = ptr;
            p.counts[class] += 1;
            true
        })
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

/// Turn the evaluator's cycle collector on once the process's peak memory passes
/// `cycles::AUTO_START_BYTES` (see there). mimalloc calls the hook on its allocation
/// slow path, on the allocating thread, about once per page of small blocks: every 64th
/// call reads the peak RSS (`getrusage`), until the evaluating thread has started it.
pub fn start_cycle_collection_when_large() {
    use std::sync::atomic::{AtomicBool, Ordering};
    static STARTED: AtomicBool = AtomicBool::new(false);
    unsafe extern "C" fn hook(_force: bool, heartbeat: std::ffi::c_ulonglong, _arg: *mut c_void) {
        if !heartbeat.is_multiple_of(64) || STARTED.load(Ordering::Relaxed) {
            return;
        }
        // SAFETY: getrusage fills in the zeroed struct it is given.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
            return;
        }
        let peak = usize::try_from(usage.ru_maxrss).unwrap_or(0).saturating_mul(1024);
        if peak >= auto_start_bytes() && rnix_eval_core::cycles::start_automatically() {
            STARTED.store(true, Ordering::Relaxed);
        }
    }
    auto_start_bytes();
    // SAFETY: registers a function that only reads and sets flags (it never allocates:
    // the limit was read above).
    unsafe { mi::mi_register_deferred_free(Some(hook), std::ptr::null_mut()) };
}

/// `cycles::AUTO_START_BYTES`, or `RNIX_EVAL_CYCLES_AUTO_MIB` MiB (tests).
fn auto_start_bytes() -> usize {
    static BYTES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *BYTES.get_or_init(|| {
        std::env::var("RNIX_EVAL_CYCLES_AUTO_MIB")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            .map_or(rnix_eval_core::cycles::AUTO_START_BYTES, |mib| mib << 20)
    })
}

/// glibc's `malloc` serves only what libc allocates for itself (thread start, thread-local
/// destructors); every Rust allocation goes to mimalloc. Yet each thread that calls it
/// gets an arena of its own, 64 MiB of address space (reserved as 128 MiB and trimmed):
/// with the prefault, guard and evaluation threads that is 192 MiB, and under `ulimit -v
/// 400000` an evaluation of `1 + 2` failed with `out of memory` in 3 runs of 60 on a
/// loaded machine (`strace`: mimalloc's segments refused after the arenas). One arena
/// for all threads, as a single-threaded program has.
pub fn one_libc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: sets a plain integer option of glibc's allocator before any other thread
    // exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// Fresh memory faulted in ahead of the allocator, on another thread.
///
/// An evaluation's heap only grows, and each new 4 KiB page costs the evaluating thread a
/// page fault and the kernel's zeroing of the page: 10-14% of a NixOS evaluation's time
/// (`exc_page_fault`, `clear_page_erms` under mimalloc's free-list building). mimalloc
/// carves the pages of small blocks out of its arena mostly in address order, so the
/// highest address handed out for one is where the next fresh pages will be. A helper
/// thread keeps the pages just above that mark resident (`MADV_POPULATE_WRITE`), and the
/// evaluating thread finds them ready: its kernel time on the minimal NixOS system went
/// from 12% of its samples to 2%, for 7 MB more peak RSS (ARCHITECTURE.md, "Where time
/// goes"). `RNIX_EVAL_PREFAULT=0` turns it off.
pub mod prefault {
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

    /// The highest end address of a small block handed out so far.
    static MARK: AtomicUsize = AtomicUsize::new(0);
    /// Only blocks this small are followed: larger ones come from medium pages or their
    /// own mappings, whose unused tails the helper would fault in for nothing (tracking
    /// blocks up to 64 KiB cost 30 MB of peak RSS).
    const SMALL: usize = 1024;
    const PAGE: usize = 4096;
    /// How far above the mark pages are made resident: each MiB more cost about 3 MB of
    /// peak RSS on the minimal system (measured 0.5-4 MiB); half a MiB is 2 ms of
    /// allocation, against a helper that looks every 0.5 ms (on the desktop system 0.5 MiB
    /// kept the time of 1 MiB, for 2.5 MB less peak RSS).
    const AHEAD: usize = 1 << 19;
    /// How far the range grows, doubled from `AHEAD` each time the evaluating thread is
    /// found past the populated pages (a program that allocates faster than half a MiB
    /// every half millisecond: `benches/programs/literals` builds 300 MB in 0.3 s). Means
    /// of 4-5 alternating runs against a fixed `AHEAD`: wall time of `literals` 0.467 ->
    /// 0.440 s, `modules` 0.602 -> 0.580 s, the minimal NixOS system 1.432 -> 1.368 s, for
    /// 1-4 MB more peak RSS (8 MiB: the same times, 0.5 MB more).
    const MAX_AHEAD: usize = 1 << 21;
    /// `MADV_POPULATE_WRITE` (Linux 5.14); an older kernel answers `EINVAL` and the
    /// helper ends.
    const MADV_POPULATE_WRITE: libc::c_int = 23;

    #[inline(always)]
    pub fn note(p: *mut u8, size: usize) {
        let end = p as usize + size;
        if size <= SMALL && end > MARK.load(Relaxed) {
            MARK.store(end, Relaxed);
        }
    }

    /// Start the helper thread (Linux only), unless `RNIX_EVAL_PREFAULT=0`.
    pub fn start() {
        if std::env::var_os("RNIX_EVAL_PREFAULT").is_some_and(|v| v == "0") {
            return;
        }
        #[cfg(target_os = "linux")]
        let _ = std::thread::Builder::new()
            .name("prefault".into())
            .stack_size(64 << 10)
            .spawn(run);
    }

    #[cfg(target_os = "linux")]
    fn run() {
        let mut done = 0usize;
        let mut ahead = AHEAD;
        loop {
            let mark = MARK.load(Relaxed) & !(PAGE - 1);
            if mark == 0 || mark + ahead / 2 <= done {
                std::thread::sleep(std::time::Duration::from_micros(500));
                continue;
            }
            if mark > done && done != 0 {
                // The allocator got past the populated pages (or jumped to a new arena
                // block, which costs at most the larger range).
                ahead = (ahead * 2).min(MAX_AHEAD);
            }
            // After a jump of the mark (a new arena block), from the mark, not from where
            // the last range ended.
            let from = done.max(mark);
            let to = mark + ahead;
            // SAFETY: populating pages changes no memory contents; a range that is not
            // all writable private mappings is refused with an error and left alone.
            let r = unsafe { libc::madvise(from as *mut libc::c_void, to - from, MADV_POPULATE_WRITE) };
            if r != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINVAL) {
                return;
            }
            done = to;
        }
    }
}

/// A ceiling on the process's resident memory, so that a runaway evaluation ends with
/// Nix's `error: out of memory` instead of taking the machine down.
///
/// The evaluation stack is deep by design (1 GiB, over 400,000 nested calls), so infinite
/// recursion that builds data at each level (a string growing with the depth) can fill
/// all memory before it reaches the stack's end: nixpkgs' `lib.generators.toPretty` of a
/// type grew to 24 GB and the kernel's OOM killer ended it, and other processes with it
/// (Nix 2.8 stops at 1.9 GB, on its smaller stack). A helper thread reads the resident
/// size every 20 ms and ends the process past the limit: `RNIX_EVAL_MAX_MEMORY_MIB`, else
/// three quarters of the machine's memory or nine tenths of the cgroup's limit, whichever
/// is lower. `RNIX_EVAL_MAX_MEMORY_MIB=0` turns it off.
pub mod memory_guard {
    use std::time::Duration;

    const MIB: u64 = 1 << 20;
    const POLL: Duration = Duration::from_millis(20);

    /// Start the guard (Linux only). The limit is found here, on the main thread: the
    /// guard's thread never allocates, since a thread's first allocation makes mimalloc
    /// reserve a heap of its own, which fails under a small `ulimit -v`.
    pub fn start() {
        #[cfg(target_os = "linux")]
        if let Some(limit) = limit_bytes() {
            let _ = std::thread::Builder::new()
                .name("memory-guard".into())
                .stack_size(64 << 10)
                .spawn(move || watch(limit));
        }
    }

    /// The limit in bytes, or `None` when off or unknown.
    fn limit_bytes() -> Option<u64> {
        if let Some(v) = std::env::var_os("RNIX_EVAL_MAX_MEMORY_MIB").filter(|v| !v.is_empty()) {
            let mib: u64 = v.to_str()?.trim().parse().ok()?;
            return (mib > 0).then(|| mib * MIB);
        }
        let total = meminfo_total()?;
        let mut limit = total / 4 * 3;
        if let Some(cgroup) = cgroup_max() {
            limit = limit.min(cgroup / 10 * 9);
        }
        Some(limit)
    }

    fn meminfo_total() -> Option<u64> {
        let text = std::fs::read_to_string("/proc/meminfo").ok()?;
        let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    }

    /// cgroup v2's `memory.max` of this process's group ("max" means none).
    fn cgroup_max() -> Option<u64> {
        let groups = std::fs::read_to_string("/proc/self/cgroup").ok()?;
        let path = groups.lines().find_map(|l| l.strip_prefix("0::"))?;
        let max = std::fs::read_to_string(format!("/sys/fs/cgroup{}/memory.max", path.trim_end())).ok()?;
        max.trim().parse().ok()
    }

    #[cfg(target_os = "linux")]
    fn watch(limit: u64) {
        use std::os::unix::fs::FileExt;
        let Ok(statm) = std::fs::File::open("/proc/self/statm") else {
            return;
        };
        // SAFETY: a plain query without pointers.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(4096) as u64;
        let mut buf = [0u8; 128];
        loop {
            std::thread::sleep(POLL);
            let Ok(n) = statm.read_at(&mut buf, 0) else {
                return;
            };
            // `size resident shared ...`, in pages.
            let resident = std::str::from_utf8(&buf[..n])
                .ok()
                .and_then(|t| t.split_whitespace().nth(1))
                .and_then(|r| r.parse::<u64>().ok());
            if resident.is_some_and(|pages| pages * page > limit) {
                super::out_of_memory();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::pool;
    use std::alloc::{alloc, dealloc, Layout};

    #[test]
    fn a_freed_block_of_a_pooled_size_is_handed_out_again_only_where_enabled() {
        let layout = Layout::from_size_align(32, 8).expect("layout");
        let other = Layout::from_size_align(72, 8).expect("layout");
        // SAFETY: blocks from the global allocator (this crate's), freed with their layout.
        std::thread::spawn(move || unsafe {
            // Not enabled: nothing is kept.
            let a = alloc(layout);
            dealloc(a, layout);
            assert!(pool::take(32).is_none());
            pool::enable();
            let b = alloc(layout);
            dealloc(b, layout);
            assert_eq!(alloc(layout), b, "the kept block comes back");
            dealloc(b, layout);
            assert!(pool::take(24).is_none(), "kept by size");
            assert_eq!(pool::take(32), Some(b));
            // Other sizes are never kept.
            let c = alloc(other);
            dealloc(c, other);
            assert!(pool::take(72).is_none());
            assert!(pool::take(12).is_none());
            // At most CAP blocks a size.
            let blocks: Vec<*mut u8> = (0..pool::CAP + 1).map(|_| alloc(layout)).collect();
            for &p in &blocks {
                dealloc(p, layout);
            }
            // (Made first: growing it would take 32-byte blocks from the pool.)
            let mut kept = Vec::with_capacity(pool::CAP as usize + 1);
            kept.extend(std::iter::from_fn(|| pool::take(32)));
            assert_eq!(kept.len(), pool::CAP as usize);
            pool::disable();
            for p in kept {
                dealloc(p, layout);
            }
        })
        .join()
        .expect("the test thread");
    }
}
