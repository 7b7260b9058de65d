//! `rnix-eval`: a drop-in for `nix-instantiate --eval` / `--parse`.
//!
//! Evaluation runs on a thread with a large stack so deep Nix recursion is reported as
//! Nix reports it (an `error:` line), never as a crash.

mod alloc;
mod args;
mod instantiate;
mod run;
mod store_writer;

use clap::Parser;

#[global_allocator]
static GLOBAL: alloc::MiMalloc = alloc::MiMalloc;

fn main() {
    alloc::keep_freed_memory();
    let cli = args::Cli::parse();
    let code = rnix_eval_core::with_eval_stack(run::EVAL_STACK_SIZE, move |stack| run::run(cli, stack));
    rnix_eval_parser::cache::flush();
    std::process::exit(code);
}
