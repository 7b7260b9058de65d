//! `rnix-eval`: a drop-in for `nix-instantiate --eval` / `--parse`.
//!
//! Evaluation runs on a thread with a large stack so deep Nix recursion is reported as
//! Nix reports it (an `error:` line), never as a crash.

mod alloc;
mod args;
mod eval_cache;
mod flake_cmd;
mod instantiate;
mod jobs_cache;
mod jobs_cmd;
mod modules_cmd;
mod run;
mod setting_flags;
mod settings;
mod stderr_tee;
mod store_writer;

use clap::error::{ContextKind, ContextValue, ErrorKind};

#[global_allocator]
static GLOBAL: alloc::MiMalloc = alloc::MiMalloc;

fn main() {
    // `rnix-eval lsp`: the language server (and, with `--worker`, its evaluation workers).
    if std::env::args_os().nth(1).is_some_and(|a| a == "lsp") {
        std::process::exit(rnix_eval_lsp::run_stdio());
    }
    // Files are read again for the lines an error shows (the editor keeps its texts).
    rnix_eval_parser::source::keep_file_texts(false);
    alloc::keep_freed_memory();
    alloc::one_libc_arena();
    alloc::prefault::start();
    alloc::start_cycle_collection_when_large();
    alloc::memory_guard::start();
    let cli = match args::Cli::parse_args(setting_flags::expand(std::env::args_os())) {
        Ok(cli) => cli,
        Err(e) => std::process::exit(usage_error(e)),
    };
    let code = rnix_eval_core::with_eval_stack(run::EVAL_STACK_SIZE, move |stack| {
        alloc::pool::enable();
        run::run(cli, stack)
    });
    rnix_eval_parser::cache::flush();
    std::process::exit(code);
}

/// The argument an unknown short flag came from, when Nix would not have split it: Nix
/// reads `-abc` as `-a -b -c` only when `a` is a letter (`Args::processArgs`), so
/// `-(1.5)` and `-1e300` are one unrecognised flag each, where clap reports `-(` and `-1`.
fn whole_argument(flag: &str) -> Option<String> {
    let mut chars = flag.chars();
    let (Some('-'), Some(c), None) = (chars.next(), chars.next(), chars.next()) else {
        return None;
    };
    if c.is_ascii_alphabetic() {
        return None;
    }
    std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .find(|a| a.len() > flag.len() && a.starts_with(flag))
}

/// A bad command line as Nix reports it: one `error:` line, a hint, exit 1 (clap's
/// suggestions are left out: they can point at an unrelated flag). `--help` and
/// `--version` print as clap does and exit 0.
fn usage_error(e: clap::Error) -> i32 {
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return 0;
    }
    let context = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => v.first().cloned(),
        Some(ContextValue::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    // The flag as typed (`-A`, not clap's `--attr <ATTR>`): a missing value is at the end.
    // (`args_os`: an argument that is not UTF-8, which clap refused, must not panic here.)
    let typed = std::env::args_os()
        .next_back()
        .map(|a| a.to_string_lossy().into_owned())
        .filter(|a| a.starts_with('-'));
    let flag = context(ContextKind::InvalidArg).map(|a| a.split_whitespace().next().unwrap_or("").to_string());
    let flag = match e.kind() {
        ErrorKind::UnknownArgument => flag.map(|f| whole_argument(&f).unwrap_or(f)),
        _ => typed.or(flag),
    };
    let message = match (e.kind(), flag) {
        // `--max-jobs` at the end: a setting flag without its value.
        (ErrorKind::UnknownArgument, Some(flag))
            if settings::VALUE_SETTINGS.contains(&flag.trim_start_matches("--")) =>
        {
            format!("flag '{flag}' requires 1 argument(s)")
        }
        (ErrorKind::UnknownArgument, Some(flag)) => format!("unrecognised flag '{flag}'"),
        (ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues | ErrorKind::InvalidValue, Some(flag))
            if context(ContextKind::InvalidValue).is_none_or(|v| v.is_empty()) =>
        {
            let two = ["--arg", "--argstr", "--option"].contains(&flag.as_str());
            let n = context(ContextKind::ExpectedNumValues).unwrap_or_else(|| if two { "2" } else { "1" }.into());
            // nix-instantiate's own flags take their value with `getArg`.
            if ["-A", "--attr", "--add-root"].contains(&flag.as_str()) {
                format!("'{flag}' requires an argument")
            } else {
                format!("flag '{flag}' requires {n} argument(s)")
            }
        }
        // Anything else: clap's first line, without its own `error: `.
        _ => {
            let text = e.to_string();
            text.lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("error: ")
                .to_string()
        }
    };
    rnix_eval_core::term::eprint_line(
        format!("error: {message}\nTry 'rnix-eval --help' for more information.").as_bytes(),
    );
    1
}
