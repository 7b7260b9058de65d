//! `rnix-eval` side by side with `nix-instantiate` (Nix 2.8, the reference) for the flags
//! and diagnostics a Nix user relies on: the same stdout, the same first `error:` line or
//! warning, the same exit code. Skipped, with a message, when Nix is not installed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn nix_installed() -> bool {
    Command::new("nix-instantiate")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

macro_rules! require_nix {
    () => {
        if !nix_installed() {
            eprintln!("skipped: nix-instantiate is not installed");
            return;
        }
    };
}

/// A fresh scratch directory.
fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "rnix-cli-{tag}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(program: &str, args: &[&str], dir: &Path, stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(program);
    cmd.current_dir(dir)
        .env("NIX_PATH", "")
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        .env_remove("NO_COLOR")
        .env_remove("NIX_REMOTE")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn");
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn rnix(args: &[&str], dir: &Path) -> Output {
    run(env!("CARGO_BIN_EXE_rnix-eval"), args, dir, None, &[])
}

fn nix(args: &[&str], dir: &Path) -> Output {
    run("nix-instantiate", args, dir, None, &[])
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The lines of stderr that start with `prefix` (`error:`, `warning:`, `trace:`).
fn lines_with(o: &Output, prefix: &str) -> Vec<String> {
    text(&o.stderr)
        .lines()
        .filter(|l| l.starts_with(prefix))
        .map(String::from)
        .collect()
}

/// Same stdout, same exit code, same `error:` line.
fn assert_same(args: &[&str], dir: &Path) {
    let ours = rnix(args, dir);
    let theirs = nix(args, dir);
    assert_eq!(
        text(&ours.stdout),
        text(&theirs.stdout),
        "stdout of {args:?}\nours stderr: {}\nnix stderr: {}",
        text(&ours.stderr),
        text(&theirs.stderr)
    );
    assert_eq!(
        ours.status.code(),
        theirs.status.code(),
        "exit code of {args:?}: {}",
        text(&ours.stderr)
    );
    assert_eq!(
        lines_with(&ours, "error:"),
        lines_with(&theirs, "error:"),
        "errors of {args:?}"
    );
}

// ------------------------------------------------------------------ diagnostics

const COLOURED_TRACE: &str = r#"builtins.trace (builtins.fromJSON "\"\\u001b[1;31mwarning:\\u001b[0m a\\tb\\rc\"") 1"#;

/// A `trace` of a coloured string (nixpkgs' old `lib.warn`) to a pipe: no escapes, tabs
/// expanded, `\r` dropped, as Nix's logger writes it.
#[test]
fn trace_to_a_pipe_has_no_colours() {
    require_nix!();
    let dir = scratch("trace");
    let ours = rnix(&["--eval", "-E", COLOURED_TRACE], &dir);
    let theirs = nix(&["--eval", "-E", COLOURED_TRACE], &dir);
    assert_eq!(ours.stderr, theirs.stderr);
    assert!(!ours.stderr.contains(&0x1b));
    assert_eq!(ours.stdout, theirs.stdout);
}

/// On a terminal (through `script`) colours pass, unless `NO_COLOR` is set.
#[test]
fn trace_to_a_terminal_keeps_colours_unless_no_color() {
    require_nix!();
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    }
    let dir = scratch("tty");
    let expr = COLOURED_TRACE.replace('\\', "\\\\").replace('"', "\\\"");
    for no_color in [false, true] {
        let through_tty = |program: &str| {
            let inner = format!("{program} --eval -E \"{expr}\"");
            let env: &[(&str, &str)] = if no_color { &[("NO_COLOR", "1")] } else { &[] };
            run("script", &["-qc", &inner, "/dev/null"], &dir, None, env).stdout
        };
        let ours = through_tty(env!("CARGO_BIN_EXE_rnix-eval"));
        let theirs = through_tty("nix-instantiate");
        assert_eq!(text(&ours), text(&theirs), "NO_COLOR={no_color}");
        assert_eq!(ours.contains(&0x1b), !no_color);
    }
}

/// Error messages are filtered the same way.
#[test]
fn error_with_escapes_to_a_pipe() {
    require_nix!();
    let dir = scratch("err");
    let expr = r#"throw (builtins.fromJSON "\"\\u001b[31mred\\u001b[0m\"")"#;
    let ours = rnix(&["--eval", "-E", expr], &dir);
    assert!(!ours.stderr.contains(&0x1b), "{}", text(&ours.stderr));
    assert_same(&["--eval", "-E", expr], &dir);
}
