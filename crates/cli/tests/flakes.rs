//! Flakes against Nix: every case of `nix-tests/flakes` (fixture repositories made by
//! its `setup.sh`) is run through rnix-eval by `run.sh` and must print the transcript
//! Nix 2.8 printed (`expected`, from `regen.sh`); and flake errors are clear and leave
//! no lock file behind.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn have_git() -> bool {
    Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A fetcher cache of the test's own (never the user's).
fn fetch_cache(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rnix-flake-test-cache-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn flake_cases_match_nix() {
    if !have_git() {
        eprintln!("skipped: git is not installed (the flake fixtures are git repositories)");
        return;
    }
    let dir = root().join("nix-tests/flakes");
    let mut cases: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("queries").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert!(cases.len() >= 7, "flake cases missing: {cases:?}");
    let cache = fetch_cache("cases");
    let mut failed = Vec::new();
    for case in &cases {
        let out = Command::new("bash")
            .arg(dir.join("run.sh"))
            .args(["rnix", case])
            .env("RNIX", env!("CARGO_BIN_EXE_rnix-eval"))
            .env("RNIX_EVAL_FETCH_CACHE", &cache)
            .env("RNIX_EVAL_PARSE_CACHE", "0")
            .output()
            .expect("run run.sh");
        let want = std::fs::read_to_string(dir.join(case).join("expected")).unwrap();
        let got = String::from_utf8_lossy(&out.stdout);
        if got != want {
            failed.push(case.clone());
            eprintln!("case {case}: transcript differs\n--- expected (Nix)\n{want}\n--- got\n{got}");
        }
    }
    let _ = std::fs::remove_dir_all(&cache);
    println!("{} passed, {} failed", cases.len() - failed.len(), failed.len());
    assert!(failed.is_empty(), "failing flake cases: {failed:?}");
}

/// Run `rnix-eval ARGS` in `dir`; (exit code, stdout, stderr).
fn rnix(dir: &Path, args: &[&str], cache: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rnix-eval"))
        .args(args)
        .current_dir(dir)
        .env("RNIX_EVAL_FETCH_CACHE", cache)
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        .env("NO_COLOR", "1")
        .output()
        .expect("run rnix-eval");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A temporary folder of flakes (plain `path:` flakes: no git needed).
/// `@DIR@` in a text stands for the folder.
fn flakes(tag: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rnix-flake-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text.replace("@DIR@", &dir.to_string_lossy())).unwrap();
    }
    dir
}

/// Run `git ARGS` in `dir` with a fixed identity and no user configuration.
fn git_in(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .status()
        .unwrap()
        .success();
    assert!(ok, "git {args:?}");
}

#[test]
fn flake_errors_name_the_input_or_attribute_and_write_no_lock_file() {
    let dir = flakes(
        "errors",
        &[
            ("notfun/flake.nix", "{ outputs = 1; }"),
            ("extra/flake.nix", "{ outputs = { self }: { }; foo = 1; }"),
            (
                "hosts/flake.nix",
                "{ outputs = { self }: { nixosConfigurations.alpha = { }; nixosConfigurations.beta = { }; }; }",
            ),
            (
                "offline/flake.nix",
                r#"{ inputs.n.url = "github:NixOS/nixpkgs/nixos-20.09"; outputs = { self, n }: { v = 1; }; }"#,
            ),
            ("dep/flake.nix", "{ outputs = { self }: { }; }"),
            (
                "badhash/flake.nix",
                r#"{ inputs.d.url = "path:@DIR@/dep?narHash=sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="; outputs = { self, d }: { v = 1; }; }"#,
            ),
            ("nofile/readme", "not a flake"),
            (
                "typo/flake.nix",
                r#"{ inputs.d.uri = "path:@DIR@/dep"; outputs = { self, d }: { v = 1; }; }"#,
            ),
            (
                "stringinput/flake.nix",
                r#"{ inputs.d = "path:@DIR@/dep"; outputs = { self, d }: { v = 1; }; }"#,
            ),
            (
                "unlocked/flake.nix",
                r#"{ inputs.d.url = "path:@DIR@/dep"; outputs = { self, d }: { v = 1; }; }"#,
            ),
            (
                "unlocked/flake.lock",
                r#"{ "nodes": { "d": { "locked": { "path": "@DIR@/dep", "type": "path" },
                   "original": { "path": "@DIR@/dep", "type": "path" } },
                   "root": { "inputs": { "d": "d" } } }, "root": "root", "version": 7 }"#,
            ),
            (
                "near/flake.nix",
                "{ outputs = { self }: { packages.x86_64-linux.hello = 1; foo.bar = 2; }; }",
            ),
            // `follows` that go round a cycle: modern Nix's `LockFile::check` refuses them
            // before the lock is written (Nix 2.8 wrote the lock and recursed without end
            // where the input was used: a stack overflow for `b/x` following `b/x/y`).
            ("x/flake.nix", "{ outputs = { self }: { v = 1; }; }"),
            (
                "b/flake.nix",
                r#"{ inputs.x.url = "path:@DIR@/x"; outputs = { self, x }: { v = x.v; }; }"#,
            ),
            (
                "through/flake.nix",
                r#"{ inputs.b = { url = "path:@DIR@/b"; inputs.x.follows = "b/x/y"; }; outputs = { self, b }: { v = b.v; }; }"#,
            ),
            (
                "cyc/flake.nix",
                r#"{ inputs.x.follows = "x"; outputs = { self, ... }: { v = 1; }; }"#,
            ),
            (
                "pair/flake.nix",
                r#"{ inputs.p.follows = "q"; inputs.q.follows = "p"; outputs = { self, ... }: { v = 1; }; }"#,
            ),
            // A lock file that cannot be read is an error, not a missing lock file.
            ("lockdir/flake.nix", "{ outputs = { self }: { v = 1; }; }"),
            ("lockdir/flake.lock/readme", "x"),
        ],
    );
    let cache = fetch_cache("errors");
    let cases: &[(&str, &str)] = &[
        // No `flake.nix` in it or above it (the search stops at `/`).
        ("./nofile#v", "error: could not find a flake.nix file"),
        (
            "./notfun#v",
            // Nix's wording, with the position of `outputs` (`expectType`).
            "error: expected a function but got an integer at /nix/store/",
        ),
        ("./extra#v", "has an unsupported attribute 'foo'"),
        (
            "./hosts#alphx",
            // Nix 2.8's order and wording (`nix eval ./hosts#alphx`).
            "does not provide attribute 'packages.x86_64-linux.alphx', 'legacyPackages.x86_64-linux.alphx' or 'alphx'",
        ),
        (
            "./offline#v",
            "error: cannot fetch input 'n' (github:NixOS/nixpkgs/nixos-20.09): offline",
        ),
        ("./badhash#v", "NAR hash mismatch in input"),
        (
            "github:onlyowner#v",
            "error: 'github:onlyowner' is not a valid github URL",
        ),
        ("./nosuchdir#v", "error: getting status of '"),
        ("./lockdir#v", "error: reading from file: Is a directory"),
        // `nix eval` (2.8 and modern): the names near the missing one, over every
        // attribute path tried, and a value on the way that is not an attribute set.
        ("./near#helo", "or 'helo'\n       Did you mean hello?"),
        ("./near#packages.x86_64-linux.helo", "Did you mean hello?"),
        ("./near#fo", "Did you mean foo?"),
        ("./near#foo.baz", "or 'foo.baz'\n       Did you mean bar?"),
        ("./near#packagess.x", "Did you mean packages?"),
        (
            "./near#hello.x",
            "error: 'packages.x86_64-linux.hello' is not an attribute set",
        ),
        ("./extra#v", "has an unsupported attribute 'foo', at /nix/store/"),
        // Nix 2.8's and modern Nix's `parseFlakeInput`, with the input's position.
        (
            "./typo#v",
            "error: unexpected flake input attribute 'uri', at /nix/store/",
        ),
        (
            "./stringinput#v",
            "error: expected a set but got a string at /nix/store/",
        ),
        ("./through#v", "error: follow cycle detected: [b/x/y -> b/x/y]"),
        ("./cyc#v", "error: follow cycle detected: [x -> x]"),
        ("./pair#v", "error: follow cycle detected: [q -> p -> q]"),
        // Modern Nix's `LockedNode` (Nix 2.8: "lockfile contains mutable lock").
        ("./unlocked#v", "Lock file contains unlocked input '{\"path\":\""),
    ];
    for (reference, want) in cases {
        let (code, _, err) = rnix(&dir, &["--eval", "--json", "--flake", reference], &cache);
        assert_eq!(code, 1, "{reference}: {err}");
        assert!(err.contains(want), "{reference}: expected {want:?} in:\n{err}");
        assert!(!err.contains("panicked"), "{reference}: {err}");
    }
    let (_, _, err) = rnix(&dir, &["--read-only", "--flake", "./hosts#alphx"], &cache);
    assert!(err.contains("Did you mean alpha?"), "{err}");
    // `nix eval` does not look among the hosts.
    let (_, _, err) = rnix(&dir, &["--eval", "--json", "--flake", "./hosts#alphx"], &cache);
    assert!(!err.contains("Did you mean"), "{err}");
    // Building wants a derivation (modern Nix's `InstallableFlake::toDerivedPaths`); a
    // set was walked for derivations as `nix-instantiate` would, and none was a success.
    let (code, _, err) = rnix(&dir, &["--read-only", "--flake", "./near#foo"], &cache);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "error: expected flake output attribute 'foo' to be a derivation or path but found a set: { bar = 2; }"
        ),
        "{err}"
    );
    let unlocked = std::fs::read_to_string(dir.join("unlocked/flake.lock")).unwrap();
    assert!(
        unlocked.contains(r#"{ "path""#),
        "a lock file Nix refuses was rewritten:\n{unlocked}"
    );
    for d in [
        "offline",
        "badhash",
        "notfun",
        "typo",
        "stringinput",
        "through",
        "cyc",
        "pair",
    ] {
        assert!(
            !dir.join(d).join("flake.lock").exists(),
            "{d}: a failed evaluation wrote a lock file"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&cache);
}

#[test]
fn flakes_evaluate_purely_unless_impure() {
    let dir = flakes(
        "pure",
        &[(
            "f/flake.nix",
            r#"{ outputs = { self }: {
                 file = builtins.readFile /etc/hostname;
                 env = builtins.getEnv "HOME";
                 search = <nixpkgs>;
                 time = builtins ? currentTime;
                 system = builtins ? currentSystem;
                 nested = { a = { b = 1; }; };
               }; }"#,
        )],
    );
    let cache = fetch_cache("pure");
    let eval = |attr: &str, impure: bool| {
        let reference = format!("./f#{attr}");
        let mut args = vec!["--eval", "--json", "--flake", &reference];
        if impure {
            args.push("--impure");
        }
        rnix(&dir, &args, &cache)
    };
    let (code, _, err) = eval("file", false);
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "access to absolute path '/etc/hostname' is forbidden in pure evaluation mode (use '--impure' to override)"
        ),
        "{err}"
    );
    assert!(err.contains("flake.nix:2:"), "the error points at the read: {err}");
    // and shows its line, read again from the flake's folder (not copied into the store).
    assert!(
        err.contains("2|                  file = builtins.readFile /etc/hostname;"),
        "{err}"
    );
    let (_, out, _) = eval("env", false);
    assert_eq!(out.trim(), "\"\"");
    let (code, _, err) = eval("search", false);
    assert_eq!(code, 1);
    assert!(
        err.contains("cannot look up '<nixpkgs>' in pure evaluation mode"),
        "{err}"
    );
    assert_eq!(eval("time", false).1.trim(), "false");
    assert_eq!(eval("system", false).1.trim(), "false");
    if std::path::Path::new("/etc/hostname").exists() {
        let (code, _, err) = eval("file", true);
        assert_eq!(code, 0, "{err}");
    }
    assert_eq!(eval("time", true).1.trim(), "true");
    // `--eval --flake` prints the whole value, as `nix eval` does (`{ a = { b = 1; }; }`).
    let (code, out, err) = rnix(&dir, &["--eval", "--flake", "./f#nested"], &cache);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "{ a = { b = 1; }; }");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&cache);
}

/// Nix's `warnDirty`: a flake in a git tree with uncommitted changes is evaluated as it
/// is, with Nix's warning; a clean tree gives none.
#[test]
fn a_dirty_git_flake_is_warned_about() {
    if !have_git() {
        eprintln!("skipped: git is not installed");
        return;
    }
    let dir = flakes("dirty", &[("f/flake.nix", "{ outputs = { self }: { v = 1; }; }")]);
    let f = dir.join("f");
    let git = |args: &[&str]| git_in(&f, args);
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "init"]);
    let cache = fetch_cache("dirty");
    let warning = format!("warning: Git tree '{}' is dirty", f.display());
    let (code, out, err) = rnix(&dir, &["--eval", "--flake", "./f#v"], &cache);
    assert_eq!((code, out.trim()), (0, "1"), "{err}");
    assert!(!err.contains("is dirty"), "a clean tree: {err}");
    std::fs::write(f.join("flake.nix"), "{ outputs = { self }: { v = 2; }; }").unwrap();
    let (code, out, err) = rnix(&dir, &["--eval", "--flake", "./f#v"], &cache);
    assert_eq!((code, out.trim()), (0, "2"), "{err}");
    assert!(err.contains(&warning), "expected {warning:?} in:\n{err}");
    // `builtins.getFlake` of the repository's absolute path is a `path:` flake (Nix's
    // `parseFlakeRef(url, {})` looks for no repository): no `rev`, and `.git` is in it
    // (the value Nix 2.8 gives); a relative path is refused.
    let expr = format!(
        "let f = builtins.getFlake \"{}\"; in [ (f ? rev) (builtins.readDir f ? \".git\") ]",
        f.display()
    );
    let (code, out, err) = rnix(&dir, &["--eval", "--strict", "--impure", "-E", &expr], &cache);
    assert_eq!((code, out.trim()), (0, "[ false true ]"), "{err}");
    let (code, _, err) = rnix(&dir, &["--eval", "--impure", "-E", "builtins.getFlake \"./f\""], &cache);
    assert_eq!(code, 1);
    assert!(err.contains("flake reference './f' is not an absolute path"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&cache);
}

/// A folder inside a flake stands for the flake (Nix searches up, saying so on stderr);
/// where the search ends without one, Nix's messages (modern Nix's where 2.8 differs:
/// a path that does not exist is refused before the search).
#[test]
fn a_folder_inside_a_flake_finds_it_by_searching_up() {
    let dir = flakes(
        "search-up",
        &[
            ("f/flake.nix", "{ outputs = { self }: { v = 1; }; }"),
            ("f/sub/deep/readme", "x"),
            ("plain/readme", "x"),
        ],
    );
    let cache = fetch_cache("search-up");
    let (code, out, err) = rnix(&dir, &["--eval", "--flake", "./f/sub/deep#v"], &cache);
    assert_eq!((code, out.trim()), (0, "1"), "{err}");
    let searching = format!(
        "path '{}/f/sub/deep' does not contain a 'flake.nix', searching up",
        dir.display()
    );
    assert!(err.contains(&searching), "{err}");
    let (code, _, err) = rnix(&dir, &["--eval", "--flake", "./plain#v"], &cache);
    assert_eq!(code, 1);
    assert!(err.contains("error: could not find a flake.nix file"), "{err}");
    let (code, _, err) = rnix(&dir, &["--eval", "--flake", "./nowhere#v"], &cache);
    assert_eq!(code, 1);
    let missing = format!(
        "error: getting status of '{}/nowhere': No such file or directory",
        dir.display()
    );
    assert!(err.contains(&missing), "{err}");
    let (code, out, err) = rnix(&dir, &["--eval", "--flake", "./f/flake.nix#v"], &cache);
    assert_eq!((code, out.trim()), (0, "1"), "{err}");
    assert!(
        err.contains("should point at the directory containing the 'flake.nix' file"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&cache);
}

/// Overrides apply at any depth (modern Nix's recursive `addOverrides` in `lockFlake`):
/// `inputs.a.inputs.b.inputs.c.follows = "c2"` replaces the input `c` of `a`'s input `b`.
/// Nix 2.8 registers only the first level and fails here without a registry
/// (`KNOWN-DIFFERENCES.md`), so the expected value is modern Nix's.
#[test]
fn overrides_reach_inputs_of_inputs_at_any_depth() {
    let dir = flakes(
        "deep-override",
        &[
            ("c/flake.nix", r#"{ outputs = { self }: { v = "c"; }; }"#),
            ("c2/flake.nix", r#"{ outputs = { self }: { v = "c2"; }; }"#),
            (
                "b/flake.nix",
                r#"{ inputs.c.url = "path:@DIR@/c"; outputs = { self, c }: { v = "b+" + c.v; }; }"#,
            ),
            (
                "a/flake.nix",
                r#"{ inputs.b.url = "path:@DIR@/b"; outputs = { self, b }: { v = "a+" + b.v; }; }"#,
            ),
            (
                "top/flake.nix",
                r#"{ inputs.a.url = "path:@DIR@/a"; inputs.c2.url = "path:@DIR@/c2";
                     inputs.a.inputs.b.inputs.c.follows = "c2";
                     outputs = { self, a, c2 }: { v = a.v; }; }"#,
            ),
        ],
    );
    let cache = fetch_cache("deep-override");
    let (code, out, err) = rnix(&dir, &["--eval", "--json", "--flake", "./top#v"], &cache);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), r#""a+b+c2""#);
    let lock = std::fs::read_to_string(dir.join("top/flake.lock")).unwrap();
    let lock: serde_json::Value = serde_json::from_str(&lock).unwrap();
    assert_eq!(lock["nodes"]["b"]["inputs"]["c"], serde_json::json!(["c2"]), "{lock}");
    // The lock is kept as written: a second run reads it and gives the same value.
    let (code, out, err) = rnix(&dir, &["--eval", "--json", "--flake", "./top#v"], &cache);
    assert_eq!((code, out.trim()), (0, r#""a+b+c2""#), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&cache);
}

/// `--update-input` of a name no input has is warned about in modern Nix's words (Nix 2.8:
/// `the flag '--update-input nope' does not match any input`); one that names an input,
/// nested ones included, is not.
#[test]
fn an_update_of_no_input_is_warned_about() {
    let dir = flakes(
        "update-input",
        &[
            ("dep/flake.nix", "{ outputs = { self }: { v = 1; }; }"),
            (
                "mid/flake.nix",
                r#"{ inputs.dep.url = "path:@DIR@/dep"; outputs = { self, dep }: { v = dep.v; }; }"#,
            ),
            (
                "top/flake.nix",
                r#"{ inputs.mid.url = "path:@DIR@/mid"; outputs = { self, mid }: { v = mid.v; }; }"#,
            ),
        ],
    );
    let cache = fetch_cache("update-input");
    let top = dir.join("top");
    let args = [
        "--eval",
        "--flake",
        ".#v",
        "--update-input",
        "nope",
        "--update-input",
        "mid/dep",
    ];
    let (code, out, err) = rnix(&top, &args, &cache);
    assert_eq!((code, out.trim()), (0, "1"), "{err}");
    assert!(
        err.contains("warning: 'nope' does not match any input of this flake"),
        "{err}"
    );
    assert!(!err.contains("'mid/dep' does not match"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&cache);
}

/// Modern Nix's `call-flake.nix` (Nix 2.14 and 2.30 release notes; Nix 2.8 differs, see
/// `nix-tests/KNOWN-DIFFERENCES.md`): a flake's `outPath` is the folder of its
/// `flake.nix`, a `flake = false` input has `sourceInfo` and an `outPath` with its
/// `dir`, and a relative `path:` input (or a path value, `url = ./rel`) is a folder of
/// the declaring flake's source.
#[test]
fn flake_values_have_modern_call_flake_shapes() {
    let dir = flakes(
        "shapes",
        &[
            ("repo/sub/flake.nix", "{ outputs = { self }: { v = 1; }; }"),
            ("repo/d/file", "in d"),
            ("top/rel/flake.nix", "{ outputs = { self }: { v = 2; }; }"),
            (
                "top/flake.nix",
                r#"{
                  inputs.s.url = "path:@DIR@/repo?dir=sub";
                  inputs.raw = { url = "path:@DIR@/repo?dir=d"; flake = false; };
                  inputs.rel.url = "path:./rel";
                  inputs.rel2.url = ./rel;
                  outputs = { self, s, raw, rel, rel2 }: {
                    sub = [ (s.outPath == s.sourceInfo.outPath + "/sub") s.v ];
                    raw = [ (raw ? sourceInfo) (raw.outPath == raw.sourceInfo.outPath + "/d")
                      (builtins.readFile "${raw}/file") ];
                    rel = [ (rel.outPath == self.outPath + "/./rel") (rel.narHash == self.narHash) rel.v
                      (rel2.outPath == self.outPath + "/rel") rel2.v ];
                  };
                }"#,
            ),
        ],
    );
    let cache = fetch_cache("shapes");
    for (attr, want) in [
        ("sub", "[true,1]"),
        ("raw", r#"[true,true,"in d"]"#),
        ("rel", "[true,true,2,true,2]"),
    ] {
        let reference = format!("./top#{attr}");
        let (code, out, err) = rnix(&dir, &["--eval", "--strict", "--json", "--flake", &reference], &cache);
        assert_eq!((code, out.trim()), (0, want), "{attr}: {err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&cache);
}

/// `--override-input dep/u` where the lock file has `dep/u` follow another input: the
/// override wins (modern Nix) and `u` stays a flake. It was made a non-flake, whose
/// outputs were missing. And the warnings of an override, as Nix words them.
#[test]
fn an_override_of_a_locked_follows_keeps_the_input_a_flake() {
    let dir = flakes(
        "override-follows",
        &[
            ("u1/flake.nix", r#"{ outputs = { self }: { id = "u1"; }; }"#),
            ("u2/flake.nix", r#"{ outputs = { self }: { id = "u2"; }; }"#),
            (
                "dep/flake.nix",
                r#"{ inputs.u.url = "path:@DIR@/u1"; outputs = { self, u }: { id = u.id; }; }"#,
            ),
            (
                "top/flake.nix",
                r#"{ inputs.u.url = "path:@DIR@/u1"; inputs.dep.url = "path:@DIR@/dep";
                     inputs.dep.inputs.u.follows = "u";
                     outputs = { self, u, dep }: { id = dep.id; }; }"#,
            ),
        ],
    );
    let cache = fetch_cache("override-follows");
    let (code, out, err) = rnix(&dir, &["--eval", "--json", "--flake", "./top#id"], &cache);
    assert_eq!((code, out.trim()), (0, r#""u1""#), "{err}");
    assert!(dir.join("top/flake.lock").exists(), "no lock file written: {err}");
    let target = format!("path:{}/u2", dir.display());
    let args = [
        "--eval",
        "--json",
        "--override-input",
        "dep/u",
        &target,
        "--flake",
        "./top#id",
    ];
    let (code, out, err) = rnix(&dir, &args, &cache);
    assert_eq!((code, out.trim()), (0, r#""u2""#), "{err}");
    // Nix's list of changes; an override that locks what is locked changes nothing (the
    // lock keeps the declared reference as `original`).
    assert!(
        err.contains("warning: not writing modified lock file of flake")
            && err.contains("• Updated input 'dep/u':\n    follows 'u'\n  → 'path:"),
        "{err}"
    );
    let same = format!("path:{}/u1", dir.display());
    let args = [
        "--eval",
        "--json",
        "--override-input",
        "u",
        &same,
        "--flake",
        "./top#id",
    ];
    let (code, out, err) = rnix(&dir, &args, &cache);
    assert_eq!((code, out.trim(), err.as_str()), (0, r#""u1""#, ""));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&cache);
}

/// `inputs.self.submodules = true` (Nix 2.27's `applySelfAttrs`): the flake's own
/// repository is fetched with its submodules, which are otherwise empty folders; any
/// other attribute of `inputs.self` is refused.
#[test]
fn a_flake_fetches_its_own_submodules_when_it_asks() {
    if !have_git() {
        eprintln!("skipped: git is not installed");
        return;
    }
    let dir = flakes(
        "self-submodules",
        &[
            ("child/c.txt", "child data\n"),
            (
                "par/flake.nix",
                "{ inputs.self.submodules = true; outputs = { self }: { c = builtins.readDir ./child; }; }",
            ),
            (
                "bad/flake.nix",
                r#"{ inputs.self.url = "path:/x"; outputs = { self }: { v = 1; }; }"#,
            ),
        ],
    );
    let git = |repo: &str, args: &[&str]| git_in(&dir.join(repo), args);
    git("child", &["init", "-q"]);
    git("child", &["add", "-A"]);
    git("child", &["commit", "-q", "-m", "init"]);
    git("par", &["init", "-q"]);
    let child = dir.join("child").display().to_string();
    git(
        "par",
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "-q",
            "add",
            &child,
            "child",
        ],
    );
    git("par", &["add", "-A"]);
    git("par", &["commit", "-q", "-m", "init"]);
    let cache = fetch_cache("self-submodules");
    let (code, out, err) = rnix(&dir, &["--eval", "--strict", "--json", "--flake", "./par#c"], &cache);
    assert_eq!((code, out.trim()), (0, r#"{"c.txt":"regular"}"#), "{err}");
    let (code, _, err) = rnix(&dir, &["--eval", "--json", "--flake", "./bad#v"], &cache);
    assert_eq!(code, 1);
    assert!(err.contains("flake 'self' attribute 'url' is not supported"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&cache);
}

/// A file of a Git flake's work tree that Git does not track (the commonest beginner's
/// error) gets modern Nix's message and advice (`makeNotAllowedError`); a file that is
/// nowhere is named relative to the repository; an untracked `flake.nix` is named too.
#[test]
fn an_untracked_file_of_a_git_flake_is_named_with_advice() {
    if !have_git() {
        eprintln!("skipped: git is not installed");
        return;
    }
    let dir = flakes(
        "untracked",
        &[
            ("f/x", "x"),
            (
                "f/flake.nix",
                "{ outputs = { self }: { a = import ./new.nix; b = import ./gone.nix; }; }",
            ),
            ("g/x", "x"),
        ],
    );
    let git = |repo: &str, args: &[&str]| git_in(&dir.join(repo), args);
    for repo in ["f", "g"] {
        git(repo, &["init", "-q"]);
        git(repo, &["add", "x"]);
        git(repo, &["commit", "-q", "-m", "init"]);
    }
    git("f", &["add", "flake.nix"]);
    std::fs::write(dir.join("f/new.nix"), "1").unwrap();
    std::fs::write(dir.join("g/flake.nix"), "{ outputs = { self }: { }; }").unwrap();
    let cache = fetch_cache("untracked");
    let f = dir.join("f").display().to_string();
    let (code, _, err) = rnix(&dir, &["--eval", "--flake", "./f#a"], &cache);
    assert_eq!(code, 1);
    let advice = format!(
        "error: Path 'new.nix' in the repository \"{f}\" is not tracked by Git.\n\n       To make it visible to Nix, run:\n\n       git -C \"{f}\" add -N \"new.nix\""
    );
    assert!(err.contains(&advice), "{err}");
    let (code, _, err) = rnix(&dir, &["--eval", "--flake", "./f#b"], &cache);
    assert_eq!(code, 1);
    assert!(
        err.contains(&format!(
            "error: Path 'gone.nix' does not exist in Git repository \"{f}\"."
        )),
        "{err}"
    );
    let (code, _, err) = rnix(&dir, &["--eval", "--flake", "./g#a"], &cache);
    assert_eq!(code, 1);
    assert!(err.contains("Path 'flake.nix' in the repository"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&cache);
}
