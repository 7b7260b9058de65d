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

fn main() {
    let cli = args::Cli::parse();
    let code = rnix_eval_core::with_eval_stack(run::EVAL_STACK_SIZE, move || run::run(cli));
    std::process::exit(code);
}
