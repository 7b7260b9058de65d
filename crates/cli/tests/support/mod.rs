//! Helpers shared by the CLI test binaries (each includes this with `mod support;`).

use std::path::Path;
use std::process::Command;

/// git in `dir` with a fixed identity and dates and no user configuration, so fixture
/// repositories get the same commits on every machine. Panics with git's stderr on failure.
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "fixture")
        .env("GIT_AUTHOR_EMAIL", "fixture@example.org")
        .env("GIT_COMMITTER_NAME", "fixture")
        .env("GIT_COMMITTER_EMAIL", "fixture@example.org")
        .env("GIT_AUTHOR_DATE", "@1600000000 +0000")
        .env("GIT_COMMITTER_DATE", "@1600000000 +0000")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Whether `tool --version` runs: tests needing Nix, git or tar skip without them.
#[allow(dead_code)] // not every test binary that includes this module uses it
pub fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The `rnix-eval` under test, isolated: no search path, no colour, fetched trees in
/// `fetch_cache`, no parse or result cache.
#[allow(dead_code)] // not every test binary that includes this module uses it
pub fn rnix_eval(fetch_cache: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rnix-eval"));
    command
        .env("NIX_PATH", "")
        .env("NO_COLOR", "1")
        .env("RNIX_EVAL_FETCH_CACHE", fetch_cache)
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        .env("RNIX_EVAL_NO_CACHE", "1");
    command
}
