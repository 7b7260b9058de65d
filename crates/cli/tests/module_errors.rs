//! Module-system errors against Nix 2.8 on `fixtures/modules/errors` (conflicting
//! definitions, a wrong type, an undeclared option, a value outside an enum, an option used
//! but not defined) with the 2026 lib (`RNIX_NIXPKGS_LIB`) and 20.09's (`RNIX_NIXPKGS`),
//! and NixOS 20.09's failed assertions and warnings (`fixtures/modules/nixos-assertions.nix`).
//! rnix-eval's message must hold every line of Nix's (indentation aside: modern Nix's
//! layout is another part's business), and `--show-trace` must name the option.
//! Each lib is skipped, with a message, when its variable is unset or Nix is missing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn nix_installed() -> bool {
    let ok = Command::new("nix-instantiate")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: nix-instantiate is not installed");
    }
    ok
}

fn libs() -> Vec<PathBuf> {
    if !nix_installed() {
        return Vec::new();
    }
    let mut out = Vec::new();
    match std::env::var_os("RNIX_NIXPKGS_LIB") {
        Some(lib) => out.push(PathBuf::from(lib)),
        None => eprintln!("skipped: set RNIX_NIXPKGS_LIB to check module errors with that lib"),
    }
    match std::env::var_os("RNIX_NIXPKGS") {
        Some(nixpkgs) => out.push(PathBuf::from(nixpkgs).join("lib")),
        None => eprintln!("skipped: set RNIX_NIXPKGS to check module errors with its lib"),
    }
    out
}

fn run(program: &str, nix_path: &str, args: &[&str]) -> Output {
    Command::new(program)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .env("NIX_PATH", nix_path)
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        .args(args)
        .output()
        .expect("run the evaluator")
}

/// The lines of an error message, trimmed, without Nix 2.8's `--show-trace` hint and
/// source excerpts (`NN| ...`), which modern Nix lays out differently.
fn message_lines(stderr: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stderr)
        .lines()
        .map(|l| l.trim().trim_start_matches("error:").trim().to_string())
        .filter(|l| !l.is_empty() && !l.starts_with("(use '--show-trace'"))
        .collect()
}

/// Every line of Nix's message is a line of ours, in the same order.
fn assert_contains_lines(nix: &[String], ours: &[String], what: &str) {
    let mut rest = ours.iter();
    for line in nix {
        assert!(
            rest.any(|l| l == line),
            "{what}: Nix's line {line:?} is missing or out of order in ours:\n{}",
            ours.join("\n")
        );
    }
}

const CASES: &[(&str, &str)] = &[
    ("conflict", "server.port"),
    ("type", "server.port"),
    ("missing", "server.prot"),
    ("enum", "server.mode"),
    ("undefined", "server.tls.cert"),
];

#[test]
fn module_errors_hold_nix_messages() {
    for lib in libs() {
        let lib_arg = format!("import {}", lib.display());
        for (case, option) in CASES {
            let args = [
                "--eval",
                "fixtures/modules/errors",
                "--arg",
                "lib",
                &lib_arg,
                "-A",
                case,
            ];
            let nix = run("nix-instantiate", "", &args);
            let ours = run(env!("CARGO_BIN_EXE_rnix-eval"), "", &args);
            let what = format!("{case} with {}", lib.display());
            assert_eq!(nix.status.code(), Some(1), "{what}: Nix succeeded");
            assert_eq!(
                ours.status.code(),
                Some(1),
                "{what}: {}",
                String::from_utf8_lossy(&ours.stderr)
            );
            let nix_lines: Vec<String> = message_lines(&nix.stderr)
                .into_iter()
                .filter(|l| !l.starts_with("at ") && !l.contains('|'))
                .collect();
            assert!(nix_lines.iter().any(|l| l.contains(option)), "{what}: {nix_lines:?}");
            assert_contains_lines(&nix_lines, &message_lines(&ours.stderr), &what);

            let mut traced = args.to_vec();
            traced.push("--show-trace");
            let ours = run(env!("CARGO_BIN_EXE_rnix-eval"), "", &traced);
            let err = String::from_utf8_lossy(&ours.stderr);
            // An undeclared option fails before any option is evaluated, in Nix too.
            if *case != "missing" {
                assert!(
                    err.contains(&format!("while evaluating the option `{option}'")),
                    "{what}: the trace does not name the option:\n{err}"
                );
            }
        }
    }
}

/// NixOS 20.09: failed assertions listed together (exit 1), and when they hold, the
/// warnings as `trace: warning: ...` exactly as Nix prints them, then the result.
#[test]
fn nixos_assertions_and_warnings() {
    let Some(nixpkgs) = std::env::var_os("RNIX_NIXPKGS") else {
        eprintln!("skipped: set RNIX_NIXPKGS to a nixpkgs 20.09 to check assertions and warnings");
        return;
    };
    if !nix_installed() {
        return;
    }
    let nix_path = format!("nixpkgs={}", Path::new(&nixpkgs).display());
    let toplevel = [
        "--eval",
        "fixtures/modules/nixos-assertions.nix",
        "-A",
        "config.system.build.toplevel.drvPath",
    ];
    let nix = run("nix-instantiate", &nix_path, &toplevel);
    let ours = run(env!("CARGO_BIN_EXE_rnix-eval"), &nix_path, &toplevel);
    assert_eq!(nix.status.code(), Some(1));
    assert_eq!(ours.status.code(), Some(1), "{}", String::from_utf8_lossy(&ours.stderr));
    let nix_lines: Vec<String> = message_lines(&nix.stderr);
    assert!(nix_lines.contains(&"- one is not two".to_string()), "{nix_lines:?}");
    assert_contains_lines(&nix_lines, &message_lines(&ours.stderr), "failed assertions");

    let mut passing = toplevel.to_vec();
    passing.extend_from_slice(&["--arg", "failing", "false"]);
    let nix = run("nix-instantiate", &nix_path, &passing);
    let ours = run(env!("CARGO_BIN_EXE_rnix-eval"), &nix_path, &passing);
    assert!(
        nix.status.success() && ours.status.success(),
        "{}",
        String::from_utf8_lossy(&ours.stderr)
    );
    let warnings = String::from_utf8_lossy(&nix.stderr);
    assert!(warnings.contains("trace: warning: this host is a test"), "{warnings}");
    assert_eq!(String::from_utf8_lossy(&ours.stderr), warnings);
    assert_eq!(ours.stdout, nix.stdout);
}
