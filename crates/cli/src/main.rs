//! `rnix-eval`: a drop-in for `nix-instantiate --eval` / `--parse`.
//!
//! Evaluation runs on a thread with a large stack so deep Nix recursion is reported as
//! Nix reports it (an `error:` line), never as a crash.

mod args;
mod run;

use clap::Parser;

fn main() {
    let cli = args::Cli::parse();
    let code = rnix_eval_core::with_eval_stack(run::EVAL_STACK_SIZE, move || run::run(cli));
    std::process::exit(code);
}
