//! The README's example: evaluating `fixtures/hosts` must print what Nix printed.

use std::path::Path;
use std::process::Command;

#[test]
fn hosts_fixture_matches_nix() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new(env!("CARGO_BIN_EXE_rnix-eval"))
        // Never the user's parse cache (tests/parse_cache.rs covers the cache).
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        .args(["--eval", "--strict", "fixtures/hosts/default.nix"])
        .current_dir(&root)
        .output()
        .expect("run rnix-eval");
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let want = std::fs::read_to_string(root.join("fixtures/hosts/default.exp")).unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), want);
}

#[test]
fn missing_file_is_a_clean_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_rnix-eval"))
        // Never the user's parse cache (tests/parse_cache.rs covers the cache).
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        .args(["--eval", "/nonexistent/file.nix"])
        .output()
        .expect("run rnix-eval");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: getting status of '/nonexistent/file.nix'"),
        "{err}"
    );
}
