//! `rnix-eval lsp`: a language server over stdio. Syntax features (diagnostics, names
//! in scope, definitions, symbols, rename) come from `rnix-eval-ide` in this process and
//! never wait on evaluation; what needs the workspace's evaluated configuration (option
//! paths, `lib.`/`pkgs.` names, evaluation errors) comes from a worker process, so a
//! crash, hang or leak of an evaluation never takes the server down.

mod convert;
mod handlers;
mod hover_text;
mod overlay;
mod rss;
mod server;
mod supervisor;
mod transport;
mod worker;

/// Run the server on stdin/stdout (or, with `--worker` among the arguments, an
/// evaluation worker). Workers are this executable with the same arguments and
/// `--worker`, so `rnix-eval lsp` and `rnix-eval-lsp` both work.
pub fn run_stdio() -> i32 {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--worker") {
        return worker::serve();
    }
    let mut worker_args = args;
    worker_args.push("--worker".into());
    // A deep stack (reserved, not used) for deeply nested buffers: rowan builds and
    // drops trees recursively.
    rnix_eval_core::with_eval_stack(1 << 30, move |_| server::run(worker_args))
}
