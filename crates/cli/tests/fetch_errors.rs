//! Failing fetches against the installed Nix: a hash that is not the one specified ends
//! with exit status 102 and both hashes in Nix32, a download that is not an archive or
//! ends early fails as libarchive does, an unreadable `file://` URL with curl's words, a
//! missing or malformed `fetchGit` revision as Nix names it. The message (from `error:` to
//! the first blank line) and the exit status must be Nix's. Skipped without
//! `nix-instantiate`, `git`, `tar` or `gzip`.

mod support;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::{git, have};

fn nix(expr: &str) -> Output {
    Command::new("nix-instantiate")
        .args(["--eval", "--readonly-mode", "-E", expr])
        .env("NIX_PATH", "")
        .env("NO_COLOR", "1")
        .output()
        .expect("run nix-instantiate")
}

fn rnix(expr: &str, cache: &Path) -> Output {
    support::rnix_eval(cache)
        .args(["--eval", "--read-only", "-E", expr])
        .output()
        .expect("run rnix-eval")
}

/// The error's message: its `error:` line and the lines under it, up to the first blank
/// line or Nix 2.8's `--show-trace` hint (positions differ between the two).
fn message(o: &Output) -> String {
    let text = String::from_utf8_lossy(&o.stderr);
    let start = text.find("error:").map_or(&text[..0], |i| &text[i..]);
    start
        .lines()
        .take_while(|l| !l.trim().is_empty() && !l.starts_with("(use '--show-trace'"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rnix-fetch-errors-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("tree/top")).unwrap();
    dir
}

fn run(dir: &Path, program: &str, args: &[&str]) {
    let status = Command::new(program).args(args).current_dir(dir).status().unwrap();
    assert!(status.success(), "{program} {args:?}");
}

#[test]
fn failed_fetches_fail_as_nix() {
    if !["nix-instantiate", "git", "tar", "gzip"].iter().all(|t| have(t)) {
        eprintln!("skipped: needs nix-instantiate, git, tar and gzip");
        return;
    }
    let dir = scratch();
    let cache = dir.join("fetch-cache");
    std::fs::write(dir.join("page.html"), "<html>Not Found</html>\n").unwrap();
    std::fs::write(dir.join("tree/top/f"), "hi\n").unwrap();
    run(&dir, "tar", &["czf", "good.tgz", "-C", "tree", "top"]);
    let good = std::fs::read(dir.join("good.tgz")).unwrap();
    std::fs::write(dir.join("cut.tgz"), &good[..good.len().min(100)]).unwrap();
    std::fs::write(dir.join("text"), "plain text\n").unwrap();
    run(&dir, "gzip", &["-k", "text"]);
    let repo = dir.join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q"]);
    std::fs::write(repo.join("f"), "x\n").unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "c"]);

    let d = dir.display();
    let zeros = "0".repeat(52);
    let cases = [
        format!(r#"builtins.fetchurl {{ url = "file://{d}/page.html"; sha256 = "{zeros}"; }}"#),
        format!(r#"builtins.fetchTarball {{ url = "file://{d}/good.tgz"; sha256 = "{zeros}"; }}"#),
        format!(r#"builtins.fetchTarball "file://{d}/page.html""#),
        format!(r#"builtins.fetchTarball "file://{d}/cut.tgz""#),
        format!(r#"builtins.fetchTarball "file://{d}/text.gz""#),
        format!(r#"builtins.fetchTarball "file://{d}/missing.tgz""#),
        format!(r#"builtins.fetchurl "file://{d}/missing""#),
        // A folder downloads as an empty file.
        format!(r#"builtins.fetchurl "file://{d}/tree""#),
        format!(
            r#"(builtins.fetchGit {{ url = {d}/repo; rev = "{}"; }}).outPath"#,
            "0".repeat(40)
        ),
        format!(r#"(builtins.fetchGit {{ url = {d}/repo; rev = "abc"; }}).outPath"#),
        // An empty hash (how users ask for the real one): a warning, then the mismatch.
        format!(r#"builtins.fetchurl {{ url = "file://{d}/page.html"; sha256 = ""; }}"#),
        format!(r#"builtins.fetchTarball {{ url = "file://{d}/good.tgz"; sha256 = ""; }}"#),
    ];
    for expr in &cases {
        let (want, got) = (nix(expr), rnix(expr, &cache));
        assert_eq!(
            got.status.code(),
            want.status.code(),
            "exit status of {expr}: {}",
            message(&got)
        );
        assert_eq!(message(&got), message(&want), "{expr}");
        assert_eq!(
            String::from_utf8_lossy(&got.stdout),
            String::from_utf8_lossy(&want.stdout),
            "{expr}"
        );
    }
    // The statuses this test is about, so that it cannot pass on two evaluators that both
    // always exit 1.
    let mismatch = nix(&cases[0]);
    assert_eq!(mismatch.status.code(), Some(102), "{}", message(&mismatch));
    for expr in &cases[cases.len() - 2..] {
        let warning = |o: &Output| {
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .next()
                .unwrap_or("")
                .to_string()
        };
        let (want, got) = (nix(expr), rnix(expr, &cache));
        assert!(warning(&want).starts_with("warning: found empty hash"), "{expr}");
        assert_eq!(warning(&got), warning(&want), "{expr}");
    }

    // Nix 2.8 words this `reading from file: Is a directory`; no Rust `(os error 21)`.
    let expr = format!("builtins.path {{ path = {d}/tree; recursive = false; }}");
    let got = rnix(&expr, &cache);
    assert!(message(&got).ends_with("Is a directory"), "{}", message(&got));
    let _ = std::fs::remove_dir_all(&dir);
}
