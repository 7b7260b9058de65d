//! Modern Nix's literal lints (`--lint-absolute-path-literals`, `--lint-short-path-literals`,
//! `--lint-url-literals`, each `ignore`/`warn`/`fatal`). Nix 2.8 has none of them (it
//! warns about an unknown setting), so the expectations follow modern Nix's source: the
//! messages of `src/libexpr/parser.y` (`path_start`, `URI`) and the warning layout of
//! `printCodeLines`, as its `tests/functional/lang/eval-okay-*-warn.err.exp` show.

use std::path::PathBuf;
use std::process::{Command, Output};

fn case(tag: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rnix-lints-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("case.nix");
    std::fs::write(&file, text).unwrap();
    file
}

fn eval(file: &PathBuf, flags: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rnix-eval"))
        .args(flags)
        .args(["--eval", "--strict"])
        .arg(file)
        .env("HOME", "/fake-home")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn warnings_name_the_literal_and_show_the_line() {
    let file = case(
        "warn",
        "[\n  /etc/hosts\n  dir/file\n  http://example.org\n  ./fine\n]\n",
    );
    let out = eval(
        &file,
        &[
            "--lint-absolute-path-literals",
            "warn",
            "--lint-short-path-literals",
            "warn",
            "--lint-url-literals",
            "warn",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let dir = file.parent().unwrap().display().to_string();
    assert_eq!(
        text(&out.stdout),
        format!("[ /etc/hosts {dir}/dir/file \"http://example.org\" {dir}/fine ]\n")
    );
    let f = file.display();
    let want = format!(
        "warning: absolute path literals are not portable. Consider replacing path literal '/etc/hosts' by a string, relative path, or parameter (lint-absolute-path-literals)
         at {f}:2:3:
              1| [
              2|   /etc/hosts
               |   ^
              3|   dir/file
warning: relative path literal 'dir/file' should be prefixed with '.' for clarity: './dir/file' (lint-short-path-literals)
         at {f}:3:3:
              2|   /etc/hosts
              3|   dir/file
               |   ^
              4|   http://example.org
warning: URL literals are discouraged. Consider using a string literal \"http://example.org\" instead (lint-url-literals)
         at {f}:4:3:
              3|   dir/file
              4|   http://example.org
               |   ^
              5|   ./fine
"
    );
    assert_eq!(text(&out.stderr), want);
}

#[test]
fn fatal_lints_are_parse_errors() {
    let cases = [
        ("abs", "/etc/hosts", "--lint-absolute-path-literals", "error: absolute path literals are not portable. Consider replacing path literal '/etc/hosts' by a string, relative path, or parameter (lint-absolute-path-literals)"),
        ("home", "~/x", "--lint-absolute-path-literals", "error: home path literals are not portable. Consider replacing path literal '~/x' by a string, relative path, or parameter (lint-absolute-path-literals)"),
        ("short", "a/b", "--lint-short-path-literals", "error: relative path literal 'a/b' should be prefixed with '.' for clarity: './a/b' (lint-short-path-literals)"),
        ("url", "https://x.org/a", "--lint-url-literals", "error: URL literals are disallowed. Consider using a string literal \"https://x.org/a\" instead (lint-url-literals)"),
    ];
    for (tag, body, flag, message) in cases {
        let file = case(tag, body);
        let out = eval(&file, &[flag, "fatal"]);
        assert_eq!(out.status.code(), Some(1), "{tag}");
        assert_eq!(text(&out.stderr).lines().next(), Some(message), "{tag}");
        // The same setting from the configuration (`NIX_CONFIG`), as Nix reads settings.
        let setting = format!("{} = fatal", flag.trim_start_matches("--"));
        let out = eval_with_env(&file, &[("NIX_CONFIG", &setting)]);
        assert_eq!(out.status.code(), Some(1), "{tag}: {setting}");
        assert_eq!(text(&out.stderr).lines().next(), Some(message), "{tag}: {setting}");
    }
}

fn eval_with_env(file: &PathBuf, env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rnix-eval"))
        .args(["--eval", "--strict"])
        .arg(file)
        .env("HOME", "/fake-home")
        .env("RNIX_EVAL_NO_CACHE", "1")
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

#[test]
fn relative_and_quoted_forms_pass_every_lint() {
    let file = case(
        "ok",
        "[ (builtins.isPath ./x) (builtins.isPath ../y) \"http://quoted\" ]",
    );
    let mut flags = Vec::new();
    for lint in [
        "--lint-absolute-path-literals",
        "--lint-short-path-literals",
        "--lint-url-literals",
    ] {
        flags.extend([lint, "fatal"]);
    }
    let out = eval(&file, &flags);
    assert_eq!(
        text(&out.stdout),
        "[ true true \"http://quoted\" ]\n",
        "{}",
        text(&out.stderr)
    );
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[test]
fn by_default_nothing_is_reported() {
    let file = case("default", "[ /etc/hosts http://example.org ]");
    let out = eval(&file, &[]);
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}
