//! The repository's own `flake.nix`, evaluated with its nixpkgs input overridden by
//! `fixtures/stub-nixpkgs`: rnix-eval must find the default package, dev shell and check,
//! and (when Nix is installed) give the drv paths Nix gives for the same override.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn stub() -> String {
    format!("path:{}", root().join("fixtures/stub-nixpkgs").display())
}

fn rnix(attr: &str, cache: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_rnix-eval"))
        .args([
            "--read-only",
            "--override-input",
            "nixpkgs",
            &stub(),
            "--flake",
            &format!(".#{attr}"),
        ])
        .current_dir(root())
        .env("RNIX_EVAL_FETCH_CACHE", cache)
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        .output()
        .expect("run rnix-eval");
    assert!(out.status.success(), "{attr}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn own_flake_evaluates_against_a_stub_nixpkgs() {
    if !root().join(".git").exists() {
        eprintln!("skipped: the repository is not a git checkout");
        return;
    }
    let cache = std::env::temp_dir().join(format!("rnix-own-flake-{}", std::process::id()));
    let default = rnix("", &cache);
    assert!(default.ends_with("-rnix-eval-0.1.0.drv"), "{default}");
    assert_eq!(rnix("packages.x86_64-linux.default", &cache), default);
    assert!(rnix(".devShells.x86_64-linux.default", &cache).ends_with("-shell.drv"));
    assert_eq!(rnix(".checks.x86_64-linux.build", &cache), default);
    let _ = std::fs::remove_dir_all(&cache);
    let nix = Command::new("nix")
        .args([
            "--extra-experimental-features",
            "nix-command flakes",
            "--option",
            "flake-registry",
            "/dev/null",
        ])
        .args([
            "eval",
            "--raw",
            ".#packages.x86_64-linux.default.drvPath",
            "--override-input",
            "nixpkgs",
            &stub(),
        ])
        .current_dir(root())
        .output();
    match nix {
        Ok(out) if out.status.success() => assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), default),
        Ok(out) => eprintln!(
            "Nix could not evaluate the flake (not compared): {}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(_) => eprintln!("skipped the comparison: nix is not installed"),
    }
}
