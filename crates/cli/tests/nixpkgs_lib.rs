//! With `RNIX_NIXPKGS_LIB` pointing at a modern nixpkgs `lib` directory (a 2026 one):
//! values of the library evaluated by rnix-eval and by `nix-instantiate` (Nix 2.8) are the
//! same, and nixpkgs' own test suites that evaluate to a list of failures give `[ ]`, as
//! nixpkgs requires (`lib/tests/test-with-nix.nix`). Skipped, with a message, when the
//! variable is unset or Nix is not installed.
//!
//! Nix 2.8 cannot evaluate everything a 2026 lib uses (`builtins.readFileType` is 2.14+),
//! so `lib/tests/misc.nix` is checked against nixpkgs' expectation only.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::Daemon;

fn lib_dir(what: &str) -> Option<PathBuf> {
    let Some(lib) = std::env::var_os("RNIX_NIXPKGS_LIB") else {
        eprintln!("skipped: set RNIX_NIXPKGS_LIB to a nixpkgs `lib` directory to check {what}");
        return None;
    };
    let installed = Command::new("nix-instantiate")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        eprintln!("skipped: nix-instantiate is not installed");
        return None;
    }
    Some(PathBuf::from(lib))
}

fn run(program: &str, args: &[&str], dir: &Path) -> Output {
    Command::new(program)
        .current_dir(dir)
        .env("NIX_PATH", "")
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        .args(args)
        .output()
        .expect("run the evaluator")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Library values, each an expression of `lib`.
const VALUES: &[&str] = &[
    "lib.version",
    "lib.trivial.release",
    "builtins.attrNames lib.strings",
    "builtins.attrNames lib",
    r#"let s = lib.systems.elaborate "x86_64-linux"; in { inherit (s) config system isLinux is64bit libc linker; cpu = s.parsed.cpu; kernel = s.parsed.kernel.name; }"#,
    r#"let s = lib.systems.elaborate "aarch64-darwin"; in { inherit (s) config isDarwin isAarch64 darwinPlatform; inherit (s.parsed) abi; }"#,
    r#"lib.mapAttrs (n: v: v.config) (lib.filterAttrs (n: v: n != "riscv64-embedded" && n != "riscv32-embedded") (lib.mapAttrs (n: lib.systems.elaborate) lib.systems.examples))"#,
    r#"lib.strings.concatMapStringsSep ", " lib.strings.escapeShellArg [ "a b" "c'd" ]"#,
    r#"lib.generators.toPretty {} { a = [ 1 2.5 "x" null ]; b.c = true; }"#,
    r#"lib.generators.toINI {} { sec = { a = 1; b = "x"; }; }"#,
    r#"lib.versions.splitVersion "1.2.3pre4""#,
    r#"lib.toposort (a: b: a < b) [ 3 1 2 ]"#,
    r#"(lib.evalModules { modules = [ { options.x = lib.mkOption { type = lib.types.listOf lib.types.int; default = [ 1 ]; }; config.x = lib.mkAfter [ 2 ]; } ]; }).config"#,
    r#"(lib.evalModules { modules = [ { options.s = lib.mkOption { type = lib.types.attrsOf (lib.types.submodule { options.n = lib.mkOption { type = lib.types.str; default = "d"; }; }); }; config.s.a = {}; config.s.b.n = "x"; } ]; }).config"#,
    r#"builtins.map (o: o.loc) (lib.optionAttrSetToDocList (lib.evalModules { modules = [ { options.a.b = lib.mkOption { type = lib.types.bool; default = false; description = "d"; }; } ]; }).options)"#,
    r#"lib.fix (self: { a = 1; b = self.a + 1; })"#,
    r#"lib.attrsets.recursiveUpdate { a.b = 1; a.c = 2; } { a.b = 3; }"#,
    r#"lib.lists.sort builtins.lessThan [ 3 1 2 ]"#,
];

#[test]
fn library_values_match_nix() {
    let Some(lib) = lib_dir("library values against Nix") else {
        return;
    };
    let dir = std::env::temp_dir();
    let mut failures = Vec::new();
    for value in VALUES {
        let expr = format!("let lib = import {}; in {value}", lib.display());
        let args = ["--eval", "--strict", "-E", expr.as_str()];
        let nix = run("nix-instantiate", &args, &dir);
        assert!(
            nix.status.success(),
            "Nix 2.8 cannot evaluate {value}: {}",
            text(&nix.stderr)
        );
        let ours = run(env!("CARGO_BIN_EXE_rnix-eval"), &args, &dir);
        if ours.stdout != nix.stdout || !ours.status.success() {
            failures.push(format!(
                "{value}\n  ours: {}{}\n  nix:  {}",
                text(&ours.stdout),
                text(&ours.stderr),
                text(&nix.stdout)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `lib/tests/systems.nix`: Nix 2.8 can run it too; both must give `[ ]`.
#[test]
fn systems_tests_pass() {
    let Some(lib) = lib_dir("lib/tests/systems.nix") else {
        return;
    };
    let tests = lib.join("tests");
    let args = ["--eval", "--strict", "systems.nix"];
    let nix = run("nix-instantiate", &args, &tests);
    let ours = run(env!("CARGO_BIN_EXE_rnix-eval"), &args, &tests);
    assert_eq!(text(&ours.stdout), text(&nix.stdout), "{}", text(&ours.stderr));
    assert_eq!(text(&ours.stdout), "[ ]\n");
}

/// `lib/tests/misc.nix`: nixpkgs runs it as `nix-instantiate --eval --strict` and
/// requires `[ ]` (the list of failed tests).
#[test]
fn misc_tests_pass() {
    let Some(lib) = lib_dir("lib/tests/misc.nix") else {
        return;
    };
    let tests = lib.join("tests");
    let ours = run(
        env!("CARGO_BIN_EXE_rnix-eval"),
        &["--eval", "--strict", "misc.nix"],
        &tests,
    );
    assert!(ours.status.success(), "{}", text(&ours.stderr));
    assert_eq!(text(&ours.stdout), "[ ]\n", "failed tests of lib/tests/misc.nix");
}

/// A directory whose `bin/nix-instantiate` runs rnix-eval, for nixpkgs' shell test
/// suites, which call `nix-instantiate` by name; removed when dropped.
struct Shim {
    dir: PathBuf,
}

impl Shim {
    fn new(name: &str) -> Shim {
        let dir = std::env::temp_dir().join(format!("rnix-{name}-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("bin")).unwrap();
        let shim = dir.join("bin/nix-instantiate");
        std::fs::write(
            &shim,
            format!("#!/bin/sh\nexec '{}' \"$@\"\n", env!("CARGO_BIN_EXE_rnix-eval")),
        )
        .unwrap();
        std::fs::set_permissions(&shim, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        Shim { dir }
    }

    /// Run `script` (with `args`) by bash, the shim first on `PATH`, against a daemon of
    /// its own: the exit status and the whole log (stdout, then stderr).
    fn run_suite(&self, script: &Path, args: &[&str], lib: &Path) -> (bool, String) {
        let daemon = Daemon::start(&self.dir);
        let path = format!(
            "{}:{}",
            self.dir.join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let out = Command::new("bash")
            .arg(script)
            .args(args)
            .env("PATH", path)
            .env("TEST_LIB", lib)
            .env("NIX_DAEMON_SOCKET_PATH", &daemon.socket)
            .env("RNIX_EVAL_PARSE_CACHE", "0")
            .env("RNIX_EVAL_NO_CACHE", "1")
            .env_remove("NIX_REMOTE")
            .output()
            .expect("run a test suite");
        drop(daemon);
        (out.status.success(), text(&out.stdout) + &text(&out.stderr))
    }
}

impl Drop for Shim {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The last `n` lines of a log, for a failure message.
fn tail(log: &str, n: usize) -> String {
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// nixpkgs' module system tests, `lib/tests/modules.sh`, with rnix-eval standing in for
/// `nix-instantiate` (it calls `nix-instantiate --timeout 1 --eval-only --show-trace
/// --read-write-mode --json ... [--option abort-on-warn true]` and compares outputs and
/// error messages with its expectations): every check must pass.
#[test]
fn module_system_tests_pass() {
    let Some(lib) = lib_dir("lib/tests/modules.sh") else {
        return;
    };
    let shim = Shim::new("modules-sh");
    let (ok, log) = shim.run_suite(&lib.join("tests/modules.sh"), &[], &lib);
    let failures = log.lines().filter(|l| l.contains("TEST FAILED")).count();
    assert!(
        ok && log.contains("\n0 Fail"),
        "modules.sh: {failures} failed\n{}",
        tail(&log, 60)
    );
}

/// The other suites nixpkgs runs with each Nix it supports (`lib/tests/test-with-nix.nix`)
/// and `lib/path/tests` (its unit tests, and its property tests with three fixed seeds),
/// with rnix-eval standing in for `nix-instantiate`. Each script compares the evaluator's
/// output and error messages with its own expectations and ends with `tests ok`.
#[test]
fn upstream_lib_suites_pass() {
    let Some(lib) = lib_dir("nixpkgs' lib test suites") else {
        return;
    };
    let shim = Shim::new("lib-suites");
    let suites: &[(&str, &[&str])] = &[
        ("tests/filesystem.sh", &[]),
        ("tests/sources.sh", &[]),
        ("tests/debug.sh", &[]),
        ("tests/network.sh", &[]),
        ("fileset/tests.sh", &[]),
        ("path/tests/prop.sh", &["1"]),
        ("path/tests/prop.sh", &["2"]),
        ("path/tests/prop.sh", &["3"]),
    ];
    for (script, args) in suites {
        let (ok, log) = shim.run_suite(&lib.join(script), args, &lib);
        assert!(
            ok && log.contains("tests ok"),
            "{script} {args:?} failed:\n{}",
            tail(&log, 40)
        );
    }
    let libpath = lib.display().to_string();
    let unit = [
        "--eval",
        "--strict",
        "--show-trace",
        "--argstr",
        "libpath",
        &libpath,
        "path/tests/unit.nix",
    ];
    let out = run(env!("CARGO_BIN_EXE_rnix-eval"), &unit, &lib);
    // `lib.debug.throwTestFailures` throws on a failure and is `null` otherwise.
    assert_eq!(
        text(&out.stdout),
        "null\n",
        "path/tests/unit.nix: {}",
        text(&out.stderr)
    );
    let fetchers = run(
        env!("CARGO_BIN_EXE_rnix-eval"),
        &["--eval", "--strict", "tests/fetchers.nix"],
        &lib,
    );
    assert_eq!(
        text(&fetchers.stdout),
        "[ ]\n",
        "lib/tests/fetchers.nix: {}",
        text(&fetchers.stderr)
    );
}

/// `lib.fileset.toSource` and `lib.cleanSource` results are read back in the same
/// evaluation with `--read-write-mode` (written through the daemon as they are made).
/// Nix 2.8 cannot run a 2026 `lib.fileset` (`readFileType`), so the expectation is the
/// file tree the test creates.
#[test]
fn fileset_and_clean_source_read_back() {
    let Some(lib) = lib_dir("lib.fileset.toSource with --read-write-mode") else {
        return;
    };
    let nonce = format!("{}-{:?}", std::process::id(), std::time::SystemTime::now());
    let dir = std::env::temp_dir().join(format!("rnix-fileset-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("src/sub")).unwrap();
    std::fs::write(dir.join("src/a.txt"), format!("a {nonce}")).unwrap();
    std::fs::write(dir.join("src/sub/b.nix"), format!("\"b {nonce}\"")).unwrap();
    std::fs::write(dir.join("src/sub/c.txt"), "c").unwrap();
    std::fs::write(
        dir.join("t.nix"),
        format!(
            r#"let
  lib = import {};
  fs = lib.fileset;
  src = fs.toSource {{ root = ./src; fileset = fs.fileFilter (f: f.hasExt "nix") ./src; }};
  clean = lib.cleanSource ./src;
in [ (builtins.readDir "${{src}}/sub") (import "${{src}}/sub/b.nix") (builtins.readFile "${{clean}}/a.txt") ]
"#,
            lib.display()
        ),
    )
    .unwrap();
    let daemon = Daemon::start(&dir);
    let uri = format!("unix://{}", daemon.socket.display());
    let args = ["--eval", "--strict", "--read-write-mode", "--store", &uri, "t.nix"];
    let out = run(env!("CARGO_BIN_EXE_rnix-eval"), &args, &dir);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!("[ {{ \"b.nix\" = \"regular\"; }} \"b {nonce}\" \"a {nonce}\" ]\n")
    );
    drop(daemon);
    let _ = std::fs::remove_dir_all(&dir);
}
