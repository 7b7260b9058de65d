//! `rnix-eval`: a drop-in for `nix-instantiate --eval` / `--parse`.
//!
//! Evaluation runs on a thread with a large stack so deep Nix recursion is reported as
//! Nix reports it (an `error:` line), never as a crash.

mod args;
mod instantiate;
mod run;
mod store_writer;

use clap::Parser;

/// Evaluation allocates many small short-lived objects (thunks, frames, closures);
/// mimalloc serves them much faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc v2's `mimalloc.h` (the Rust bindings lack it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// An evaluation's heap only grows until it ends, yet by default mimalloc hands freed
/// pages back to the kernel after 10 ms and faults them in again, zeroed, moments later:
/// a NixOS evaluation spent 1.2 s of system time on that (measured with `perf`). Never
/// purging keeps freed pages for reuse, as Nix's garbage collector does.
///
/// Transparent huge pages are turned off for the process: mimalloc asks for them, and
/// the kernel's compaction to find 2 MiB pages cost a NixOS evaluation 1.0 s of system
/// time against 0.4 s with normal pages (measured with `/usr/bin/time`).
fn keep_freed_memory() {
    // SAFETY: sets a plain integer option; mimalloc reads options on use.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    #[cfg(target_os = "linux")]
    // SAFETY: a flag on this process's memory map; no pointers involved. A kernel
    // without the option returns an error, which changes nothing.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() {
    keep_freed_memory();
    let cli = args::Cli::parse();
    let code = rnix_eval_core::with_eval_stack(run::EVAL_STACK_SIZE, move || run::run(cli));
    std::process::exit(code);
}
