//! The server on its own (`rnix-eval lsp` is the same): for the integration tests and
//! for editors that want a binary without the evaluator's command line.

fn main() {
    std::process::exit(rnix_eval_lsp::run_stdio());
}
