//! `builtins.fetchGit` of local repositories against the installed Nix: a work tree with
//! no commit, a dirty one and a clean one give Nix's attributes (the null `rev`,
//! `shortRev` and `revCount = 0` when there is no revision), and unknown attributes are
//! refused. Skipped without `git` or `nix-instantiate`.

mod support;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::{git, have};

/// A scratch folder of this test's own, made anew.
fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rnix-fetchgit-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn repo(root: &Path, name: &str, setup: &[&[&str]], files: &[(&str, &str)]) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    git(&dir, &["init", "-q"]);
    for (file, text) in files {
        std::fs::write(dir.join(file), text).unwrap();
    }
    for args in setup {
        git(&dir, args);
    }
    dir
}

fn nix(expr: &str, cwd: &Path, extra: &[&str]) -> Output {
    Command::new("nix-instantiate")
        .args(["--eval", "--strict"])
        .args(extra)
        .args(["-E", expr])
        .current_dir(cwd)
        .env("NIX_PATH", "")
        .env("NO_COLOR", "1")
        // Nix clones a local submodule with `git`, which refuses `file:` URLs by default.
        .env("GIT_CONFIG_COUNT", "1")
        .env("GIT_CONFIG_KEY_0", "protocol.file.allow")
        .env("GIT_CONFIG_VALUE_0", "always")
        .output()
        .expect("run nix-instantiate")
}

fn rnix(expr: &str, cwd: &Path, cache: &Path) -> Output {
    support::rnix_eval(cache)
        .args(["--eval", "--strict", "--read-only", "-E", expr])
        .current_dir(cwd)
        .output()
        .expect("run rnix-eval")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A scratch directory and a fetcher cache in it; `None` (the test is skipped) without git
/// and Nix.
fn setup(name: &str) -> Option<(PathBuf, PathBuf)> {
    if !have("git") || !have("nix-instantiate") {
        eprintln!("skipped: needs git and nix-instantiate");
        return None;
    }
    let root = scratch(name);
    let cache = root.join("fetch-cache");
    Some((root, cache))
}

#[test]
fn fetch_git_work_trees_match_nix() {
    let Some((root, cache)) = setup("trees") else { return };
    let add: &[&str] = &["add", "-A"];
    let commit: &[&str] = &["commit", "-qm", "c"];
    repo(&root, "nocommit", &[add], &[("f", "x\n")]);
    let dirty = repo(&root, "dirty", &[add, commit], &[("f", "x\n")]);
    std::fs::write(dirty.join("f"), "y\n").unwrap();
    let clean = repo(&root, "clean", &[add, commit], &[("f", "x\n")]);
    std::fs::write(clean.join("g"), "z\n").unwrap();
    git(&clean, add);
    git(&clean, commit);

    // Nix 2.8 has no dirtyRev/dirtyShortRev (modern Nix does: checked below).
    let modern_only = r#"[ "dirtyRev" "dirtyShortRev" ]"#;
    for name in ["nocommit", "dirty", "clean"] {
        let expr = format!("builtins.removeAttrs (builtins.fetchGit ./{name}) {modern_only}");
        let want = nix(&expr, &root, &[]);
        assert!(want.status.success(), "Nix failed on {name}: {}", stderr(&want));
        let got = rnix(&expr, &root, &cache);
        assert!(got.status.success(), "rnix-eval failed on {name}: {}", stderr(&got));
        assert_eq!(stdout(&got), stdout(&want), "fetchGit ./{name}");
    }

    // The common `version = "...-${src.shortRev}"` of a work tree, and the null revision.
    let expr = r#"let s = builtins.fetchGit ./dirty; in [ "v-${s.shortRev}" s.rev s.revCount ]"#;
    let want = nix(expr, &root, &[]);
    assert!(want.status.success(), "{}", stderr(&want));
    assert!(stdout(&want).contains("v-0000000"), "Nix: {}", stdout(&want));
    assert_eq!(stdout(&rnix(expr, &root, &cache)), stdout(&want));

    // Modern Nix also names the dirty tree's HEAD (`src/libfetchers/git.cc`).
    let head = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(&dirty)
        .output()
        .unwrap();
    let head = String::from_utf8_lossy(&head.stdout).trim().to_string();
    let expr = "let s = builtins.fetchGit ./dirty; in [ s.dirtyRev s.dirtyShortRev ]";
    let got = rnix(expr, &root, &cache);
    assert_eq!(
        stdout(&got).trim(),
        format!("[ \"{head}-dirty\" \"{}-dirty\" ]", &head[..7]),
        "{}",
        stderr(&got)
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// `submodules = true` takes a submodule's files, in a work tree with uncommitted changes
/// (its tracked files now) and at a commit (the revision the parent records); without it,
/// a dirty tree leaves the submodule out and a commit leaves an empty folder.
#[test]
fn fetch_git_submodules_match_nix() {
    let Some((root, cache)) = setup("submodules") else {
        return;
    };
    let commit: &[&str] = &["commit", "-qm", "c"];
    let top = repo(&root, "top", &[&["add", "-A"], commit], &[("top.txt", "top\n")]);
    repo(&top, "sub", &[&["add", "-A"], commit], &[("a", "a\n")]);
    git(
        &top,
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            "./sub",
            "sub",
        ],
    );
    std::fs::write(top.join("sub/b"), "b\n").unwrap();
    git(&top.join("sub"), &["add", "b"]);
    let expr = |submodules: bool| {
        format!(
            r#"let s = builtins.fetchGit {{ url = ./top; submodules = {submodules}; }};
               t = builtins.readDir s.outPath;
            in {{ inherit (s) outPath revCount; inherit t; sub = if t ? sub then builtins.readDir (s.outPath + "/sub") else null; }}"#
        )
    };
    let check = |what: &str| {
        for submodules in [true, false] {
            let want = nix(&expr(submodules), &root, &[]);
            assert!(want.status.success(), "Nix failed ({what}): {}", stderr(&want));
            let got = rnix(&expr(submodules), &root, &cache);
            assert!(got.status.success(), "rnix-eval failed ({what}): {}", stderr(&got));
            assert_eq!(stdout(&got), stdout(&want), "{what}, submodules = {submodules}");
        }
    };
    check("dirty");
    assert!(stdout(&rnix(&expr(true), &root, &cache)).contains(r#"b = "regular""#));
    git(&top.join("sub"), commit);
    git(&top, &["add", "-A"]);
    git(&top, commit);
    check("clean");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn fetch_git_refuses_unknown_attributes() {
    if !have("git") || !have("nix-instantiate") {
        eprintln!("skipped: needs git and nix-instantiate");
        return;
    }
    let root = scratch("attrs");
    let cache = root.join("fetch-cache");
    repo(&root, "r", &[&["add", "-A"], &["commit", "-qm", "c"]], &[("f", "x\n")]);
    let url = format!("file://{}", root.join("r").display());
    // Modern Nix's words (`Input::fromAttrs`, `src/libfetchers/fetchers.cc`; Nix 2.8:
    // `unsupported Git input attribute 'foo'`); `bar` is the first unknown one by name.
    let cases = [
        (
            "(builtins.fetchGit { url = ./r; foo = 1; }).outPath".to_string(),
            "error: input attribute 'foo' not supported by scheme 'git'",
            &[][..],
        ),
        (
            format!(r#"(builtins.fetchTree {{ type = "git"; url = "{url}"; zz = 1; bar = "x"; }}).outPath"#),
            "error: input attribute 'bar' not supported by scheme 'git'",
            &["--extra-experimental-features", "flakes"][..],
        ),
        (
            "(builtins.fetchGit { url = ./r; verifyCommit = true; }).outPath".to_string(),
            "error: experimental Nix feature 'verified-fetches' is disabled; add '--extra-experimental-features verified-fetches' to enable it",
            &[][..],
        ),
    ];
    for (expr, message, nix_flags) in &cases {
        let want = nix(expr, &root, nix_flags);
        assert!(!want.status.success(), "Nix accepted {expr}");
        assert!(
            stderr(&want).contains("unsupported Git input attribute"),
            "{}",
            stderr(&want)
        );
        let got = rnix(expr, &root, &cache);
        assert_eq!(got.status.code(), Some(1), "{expr}: {}", stdout(&got));
        assert_eq!(stderr(&got).lines().next(), Some(*message), "{expr}");
    }
    // Known attributes are still accepted.
    let expr = r#"(builtins.fetchGit { url = ./r; shallow = false; submodules = false; }).revCount"#;
    let want = nix(expr, &root, &[]);
    assert!(want.status.success(), "{}", stderr(&want));
    assert_eq!(stdout(&rnix(expr, &root, &cache)), stdout(&want));
    let _ = std::fs::remove_dir_all(&root);
}
