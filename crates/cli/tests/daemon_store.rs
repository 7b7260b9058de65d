//! `rnix-eval` writing through a real nix-daemon (Nix 2.8, started here on a private
//! socket) and building. Skipped, with a message, when Nix is not installed; `.ci/run`
//! installs it.
//!
//! - the `.drv` closure rnix-eval writes equals the one `nix-instantiate` writes into a
//!   separate store (`--store DIR`, a chroot store): same paths, same `.drv` bytes, same
//!   NAR hashes for sources;
//! - `--realise` builds a chain and `--out-link` points at an output with the expected
//!   contents; `nix-store --verify --check-contents` is clean afterwards;
//! - faults: no daemon, a failing build, a daemon killed mid-build: one `error:` line,
//!   a non-zero exit, no hang.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

struct Daemon {
    child: Child,
    socket: PathBuf,
}

impl Daemon {
    fn start(dir: &Path) -> Option<Daemon> {
        let socket = dir.join("socket");
        let child = Command::new("nix-daemon")
            .env("NIX_DAEMON_SOCKET_PATH", &socket)
            // No network here: do not ask binary caches for anything; no sandbox in containers.
            .env("NIX_CONFIG", "sandbox = false\nsubstituters =\n")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let deadline = Instant::now() + Duration::from_secs(20);
        while !socket.exists() {
            assert!(Instant::now() < deadline, "nix-daemon did not create its socket");
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(Daemon { child, socket })
    }

    fn uri(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    /// Kill the daemon and the workers it forked for connections.
    fn kill(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("pkill").args(["-9", "-P", &pid]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        self.kill();
    }
}

fn nix_installed() -> bool {
    let ok = |c: &str| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    ok("nix-daemon") && ok("nix-instantiate") && ok("nix-store")
}

/// A fresh directory, and a nonce so every run makes new store paths (nothing is valid yet).
fn scratch(tag: &str) -> (PathBuf, String) {
    let nonce = format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let dir = std::env::temp_dir().join(format!("rnix-daemon-{tag}-{nonce}"));
    std::fs::create_dir_all(&dir).unwrap();
    (dir, nonce)
}

fn rnix(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rnix-eval"))
        // Never the user's parse cache (tests/parse_cache.rs covers the cache).
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        .current_dir(dir)
        .env("NIX_PATH", "")
        .env_remove("NIX_REMOTE")
        .args(args)
        .output()
        .expect("run rnix-eval")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn write_case(dir: &Path, nonce: &str, body: &str) -> PathBuf {
    let src = dir.join("src");
    std::fs::create_dir_all(src.join("sub")).unwrap();
    std::fs::write(src.join("data.txt"), format!("data {nonce}\n")).unwrap();
    std::fs::write(src.join("sub/more.txt"), "more\n").unwrap();
    std::os::unix::fs::symlink("data.txt", src.join("link")).unwrap();
    let file = dir.join("case.nix");
    let mk = format!(
        r#"let mk = name: attrs: derivation ({{ inherit name; system = "x86_64-linux"; builder = "/bin/sh"; nonce = "{nonce}"; }} // attrs); in "#
    );
    std::fs::write(&file, format!("{mk}{body}\n")).unwrap();
    file
}

#[test]
fn written_closure_equals_nix_instantiate() {
    if !nix_installed() {
        eprintln!("skipped: Nix (nix-daemon, nix-instantiate, nix-store) is not installed");
        return;
    }
    let (dir, nonce) = scratch("closure");
    let daemon = Daemon::start(&dir).expect("start nix-daemon");
    write_case(
        &dir,
        &nonce,
        r#"let
  a = mk "a" { src = ./src; args = [ "-c" "echo a > $out" ]; };
  note = builtins.toFile "note" "see ${./src/data.txt}";
  b = mk "b" { inherit a note; args = [ "-c" "echo b > $out" ]; };
  c = mk "c" { inherit b; drv = a.drvPath; filtered = builtins.path { path = ./src; filter = p: t: baseNameOf p != "sub"; }; args = [ "-c" "echo c > $out" ]; };
in c"#,
    );
    let ours = rnix(&["--store", &daemon.uri(), "case.nix"], &dir);
    assert!(ours.status.success(), "rnix-eval failed: {}", stderr(&ours));
    let drv = stdout(&ours);

    // Nix writes the same expression into a store of its own.
    let nix_root = dir.join("nix-root");
    let root_arg = nix_root.to_string_lossy().into_owned();
    let nix = Command::new("nix-instantiate")
        .current_dir(&dir)
        .args(["--store", &root_arg, "case.nix"])
        .output()
        .unwrap();
    assert!(nix.status.success(), "nix-instantiate failed: {}", stderr(&nix));
    assert_eq!(drv, stdout(&nix), "drv paths differ");

    let requisites = |store: Option<&str>| -> BTreeSet<String> {
        let mut cmd = Command::new("nix-store");
        if let Some(s) = store {
            cmd.args(["--store", s]);
        }
        let out = cmd.args(["--query", "--requisites", &drv]).output().unwrap();
        assert!(out.status.success(), "nix-store -qR: {}", stderr(&out));
        stdout(&out).lines().map(String::from).collect()
    };
    let ours_closure = requisites(None);
    let nix_closure = requisites(Some(&root_arg));
    assert_eq!(ours_closure, nix_closure, "closures differ");
    assert!(
        ours_closure.len() >= 7,
        "expected 3 drvs, 3 sources and a text: {ours_closure:#?}"
    );
    for path in &ours_closure {
        let hash = |store: Option<&str>| {
            let mut cmd = Command::new("nix-store");
            if let Some(s) = store {
                cmd.args(["--store", s]);
            }
            stdout(&cmd.args(["--query", "--hash", path]).output().unwrap())
        };
        assert_eq!(hash(None), hash(Some(&root_arg)), "NAR hash of {path} differs");
        if path.ends_with(".drv") {
            let in_root = nix_root.join(path.trim_start_matches('/'));
            assert_eq!(
                std::fs::read(path).unwrap(),
                std::fs::read(in_root).unwrap(),
                "{path} differs"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn realise_builds_a_chain() {
    if !nix_installed() {
        eprintln!("skipped: Nix (nix-daemon, nix-instantiate, nix-store) is not installed");
        return;
    }
    let (dir, nonce) = scratch("realise");
    let daemon = Daemon::start(&dir).expect("start nix-daemon");
    write_case(
        &dir,
        &nonce,
        r#"let
  a = mk "first" { args = [ "-c" "echo hello > $out" ]; };
  b = mk "second" { inherit a; args = [ "-c" "read x < $a; echo \"$x world\" > $out" ]; };
in mk "third" { inherit b; src = ./src/data.txt; args = [ "-c" "read x < $b; read y < $src; echo \"$x, $y\" > $out" ]; }"#,
    );
    let link = dir.join("result");
    let link_arg = link.to_string_lossy().into_owned();
    let out = rnix(
        &[
            "--store",
            &daemon.uri(),
            "--realise",
            "--out-link",
            &link_arg,
            "case.nix",
        ],
        &dir,
    );
    assert!(out.status.success(), "rnix-eval --realise failed: {}", stderr(&out));
    let output = stdout(&out);
    assert!(
        output.starts_with("/nix/store/") && output.ends_with("-third"),
        "{output}"
    );
    assert_eq!(std::fs::read_link(&link).unwrap(), PathBuf::from(&output));
    // `result` is a garbage collector root, as nix-build's.
    let roots = Command::new("nix-store")
        .args(["--gc", "--print-roots"])
        .output()
        .unwrap();
    assert!(
        stdout(&roots)
            .lines()
            .any(|l| l.starts_with(&format!("{} -> ", link.display()))),
        "{} is not a GC root: {}",
        link.display(),
        stdout(&roots)
    );
    assert_eq!(
        std::fs::read_to_string(&link).unwrap(),
        format!("hello world, data {nonce}\n")
    );
    let verify = Command::new("nix-store")
        .args(["--verify", "--check-contents"])
        .output()
        .unwrap();
    assert!(verify.status.success(), "nix-store --verify: {}", stderr(&verify));
    assert!(
        !stderr(&verify).contains("was modified") && !stderr(&verify).contains("invalid"),
        "nix-store --verify reported problems: {}",
        stderr(&verify)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// One `error:` line, a non-zero exit.
fn assert_clean_failure(out: &Output, expect: &str) {
    assert!(!out.status.success(), "expected a failure");
    let err = stderr(out);
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "want one error line, got: {err}");
    assert!(errors[0].contains(expect), "error should mention '{expect}': {err}");
}

#[test]
fn no_daemon_is_one_clear_error() {
    let (dir, nonce) = scratch("absent");
    write_case(&dir, &nonce, r#"mk "x" {}"#);
    let out = rnix(&["--store", "unix:///nonexistent/rnix/socket", "case.nix"], &dir);
    assert_clean_failure(&out, "cannot connect to the nix-daemon at '/nonexistent/rnix/socket'");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn parse_errors_come_before_the_daemon() {
    // As Nix: the file is parsed and evaluated before anything needs the store.
    let (dir, _) = scratch("parse-first");
    std::fs::write(dir.join("case.nix"), "{ a = ; }").unwrap();
    let out = rnix(&["--store", "unix:///nonexistent/rnix/socket", "case.nix"], &dir);
    assert_clean_failure(&out, "syntax error");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `out` exited as `nix-build case.nix` does in `dir` with a local store (Nix 2.8 through a
/// daemon loses a build's status and exits 1).
fn assert_exits_as_nix_build(out: &Output, dir: &Path) {
    let nix_build = Command::new("nix-build")
        .current_dir(dir)
        .env("NIX_CONFIG", "sandbox = false\nsubstituters =\n")
        .env_remove("NIX_REMOTE")
        .args(["--no-out-link", "case.nix"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), nix_build.status.code(), "{}", stderr(&nix_build));
}

#[test]
fn failing_build_is_one_clear_error() {
    if !nix_installed() {
        eprintln!("skipped: Nix (nix-daemon, nix-instantiate, nix-store) is not installed");
        return;
    }
    let (dir, nonce) = scratch("buildfail");
    let daemon = Daemon::start(&dir).expect("start nix-daemon");
    write_case(
        &dir,
        &nonce,
        r#"mk "fails" { args = [ "-c" "echo oops >&2; exit 3" ]; }"#,
    );
    let out = rnix(&["--store", &daemon.uri(), "--realise", "case.nix"], &dir);
    assert_clean_failure(&out, "fails");
    assert!(
        stderr(&out).contains("oops"),
        "the build log is shown: {}",
        stderr(&out)
    );
    // A failed build exits as nix-build does: 100.
    assert_exits_as_nix_build(&out, &dir);
    assert_eq!(out.status.code(), Some(100));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn failing_fixed_output_build_exits_one() {
    if !nix_installed() {
        eprintln!("skipped: Nix (nix-daemon, nix-instantiate, nix-store) is not installed");
        return;
    }
    let (dir, nonce) = scratch("fodfail");
    let daemon = Daemon::start(&dir).expect("start nix-daemon");
    // A fixed-output builder's failure is transient to Nix (a download may work next
    // time): not a build failure's 100, but 1, as with any other error.
    write_case(
        &dir,
        &nonce,
        r#"mk "fod-fails" { args = [ "-c" "exit 1" ]; outputHashMode = "flat"; outputHashAlgo = "sha256"; outputHash = "0000000000000000000000000000000000000000000000000000"; }"#,
    );
    let out = rnix(&["--store", &daemon.uri(), "--realise", "case.nix"], &dir);
    assert_clean_failure(&out, "fod-fails");
    assert_exits_as_nix_build(&out, &dir);
    assert_eq!(out.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn daemon_killed_mid_build_is_one_clear_error() {
    if !nix_installed() {
        eprintln!("skipped: Nix (nix-daemon, nix-instantiate, nix-store) is not installed");
        return;
    }
    let (dir, nonce) = scratch("killed");
    let mut daemon = Daemon::start(&dir).expect("start nix-daemon");
    // The sandbox has no `sleep`: a counting loop keeps the builder busy for some seconds
    // and then ends by itself (the builder may outlive the killed daemon).
    write_case(
        &dir,
        &nonce,
        r#"mk "slow" { args = [ "-c" "i=0; while [ $i -lt 3000000 ]; do i=$((i+1)); done; echo done > $out" ]; }"#,
    );
    let child = Command::new(env!("CARGO_BIN_EXE_rnix-eval"))
        // Never the user's parse cache (tests/parse_cache.rs covers the cache).
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        .current_dir(&dir)
        .args(["--store", &daemon.uri(), "--realise", "case.nix"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(2));
    daemon.kill();
    let out = wait_with_deadline(child, Duration::from_secs(30));
    assert_clean_failure(&out, "nix-daemon");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The daemon killed while evaluation goes on: the writes made in the background fail,
/// and the run ends with one error naming a write, no hang. The evaluation waits on a
/// FIFO between its two derivations, so the kill falls between them.
#[test]
fn daemon_killed_mid_evaluation_is_one_clear_error() {
    if !nix_installed() {
        eprintln!("skipped: Nix (nix-daemon, nix-instantiate, nix-store) is not installed");
        return;
    }
    let (dir, nonce) = scratch("killed-eval");
    let mut daemon = Daemon::start(&dir).expect("start nix-daemon");
    let fifo = dir.join("fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    write_case(
        &dir,
        &nonce,
        r#"let a = mk "a" { }; in mk "b" { dep = builtins.seq a.drvPath a; wait = builtins.readFile ./fifo; }"#,
    );
    let child = Command::new(env!("CARGO_BIN_EXE_rnix-eval"))
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        .current_dir(&dir)
        .args(["--store", &daemon.uri(), "case.nix"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Opening the FIFO for writing (without blocking) succeeds once the evaluation reads it.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut writer = loop {
        use std::os::unix::fs::OpenOptionsExt;
        match std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo)
        {
            Ok(f) => break f,
            Err(_) => {
                assert!(Instant::now() < deadline, "rnix-eval never read the FIFO");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    };
    std::thread::sleep(Duration::from_millis(500));
    daemon.kill();
    std::io::Write::write_all(&mut writer, b"x").unwrap();
    drop(writer);
    let out = wait_with_deadline(child, Duration::from_secs(30));
    assert_clean_failure(&out, "to the store");
    assert!(stdout(&out).is_empty(), "no path printed: {}", stdout(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

fn wait_with_deadline(mut child: Child, limit: Duration) -> Output {
    let deadline = Instant::now() + limit;
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "rnix-eval hangs after the daemon died");
        std::thread::sleep(Duration::from_millis(100));
    }
    child.wait_with_output().unwrap()
}

/// `--eval --read-write-mode`: sources, `toFile` texts, filtered copies and an
/// import-from-derivation build are written through the daemon as they are made, so the
/// same evaluation reads them back; the result equals `nix-instantiate --eval
/// --read-write-mode` run afterwards through the same daemon (fresh paths: rnix-eval
/// must have written them itself).
#[test]
fn read_write_mode_reads_back_what_it_writes() {
    if !nix_installed() {
        eprintln!("skipped: Nix (nix-daemon, nix-instantiate, nix-store) is not installed");
        return;
    }
    let (dir, nonce) = scratch("rw");
    let daemon = Daemon::start(&dir).expect("start nix-daemon");
    write_case(
        &dir,
        &nonce,
        r#"let
  code = builtins.toFile "code" "{ x = 1 + 41; nonce = \"${builtins.readFile ./src/data.txt}\"; }";
  src = "${./src}";
  filtered = builtins.path { path = ./src; name = "filtered"; filter = p: t: baseNameOf p != "sub"; };
  ifd = mk "ifd" { args = [ "-c" "echo '{ built = true; }' > $out" ]; };
in {
  code = (import code).x;
  data = builtins.readFile "${src}/data.txt";
  filtered = builtins.readDir filtered;
  exists = builtins.pathExists "${src}/sub/more.txt";
  ifd = import ifd;
}"#,
    );
    let ours = rnix(
        &[
            "--eval",
            "--strict",
            "--read-write-mode",
            "--store",
            &daemon.uri(),
            "case.nix",
        ],
        &dir,
    );
    assert!(ours.status.success(), "rnix-eval failed: {}", stderr(&ours));
    let nix = Command::new("nix-instantiate")
        .current_dir(&dir)
        .args([
            "--eval",
            "--strict",
            "--read-write-mode",
            "--store",
            &daemon.uri(),
            "case.nix",
        ])
        .output()
        .unwrap();
    assert!(nix.status.success(), "nix-instantiate failed: {}", stderr(&nix));
    assert_eq!(stdout(&ours), stdout(&nix));
    assert!(stdout(&ours).contains(&format!("data {nonce}")), "{}", stdout(&ours));

    // Without --read-write-mode nothing is written and reading it back fails as in Nix.
    let (dir2, nonce2) = scratch("ro");
    write_case(&dir2, &nonce2, r#"import (builtins.toFile "code" "1")"#);
    let ours = rnix(&["--eval", "--store", &daemon.uri(), "case.nix"], &dir2);
    let nix = Command::new("nix-instantiate")
        .current_dir(&dir2)
        .args(["--eval", "case.nix"])
        .output()
        .unwrap();
    assert!(!nix.status.success());
    let first_error = |o: &Output| stderr(o).lines().find(|l| l.starts_with("error:")).map(String::from);
    assert_eq!(first_error(&ours), first_error(&nix));
    assert!(first_error(&ours).unwrap().contains("is not valid"));
    assert_eq!(ours.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&dir2);
}

/// Import from derivation in pure mode (as every flake evaluates): the outputs built may
/// be read, as Nix's `realiseContext` allows them. They were refused as paths outside
/// the pure evaluation. Side by side with Nix 2.8 through the same daemon.
#[test]
fn import_from_derivation_in_pure_mode() {
    if !nix_installed() {
        eprintln!("skipped: Nix (nix-daemon, nix-instantiate, nix-store) is not installed");
        return;
    }
    let (dir, nonce) = scratch("ifd-pure");
    let daemon = Daemon::start(&dir).expect("start nix-daemon");
    let mk = |name: &str, script: &str| {
        format!(
            r#"derivation {{ name = "{name}"; system = "x86_64-linux"; builder = "/bin/sh"; nonce = "{nonce}"; args = [ "-c" "{script}" ]; }}"#
        )
    };
    let expr = format!(
        "[ (builtins.readFile ({})) (import ({})) ]",
        mk("text", "echo built > $out"),
        mk("code", "echo '{ x = 42; }' > $out")
    );
    let args = [
        "--eval",
        "--strict",
        "--pure-eval",
        "--read-write-mode",
        "--store",
        &daemon.uri(),
        "-E",
        &expr,
    ];
    let ours = rnix(&args, &dir);
    assert!(ours.status.success(), "rnix-eval failed: {}", stderr(&ours));
    assert_eq!(stdout(&ours), "[ \"built\\n\" { x = 42; } ]");
    let nix = Command::new("nix-instantiate")
        .current_dir(&dir)
        .args(args)
        .output()
        .unwrap();
    assert_eq!(stdout(&ours), stdout(&nix), "{}", stderr(&nix));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--timeout N` is passed to the daemon: a build running longer fails, and the exit code
/// is nix-build's for a timeout (101, with a local store).
#[test]
fn timeout_reaches_the_daemon() {
    if !nix_installed() {
        eprintln!("skipped: Nix (nix-daemon, nix-instantiate, nix-store) is not installed");
        return;
    }
    let (dir, nonce) = scratch("timeout");
    let daemon = Daemon::start(&dir).expect("start nix-daemon");
    write_case(
        &dir,
        &nonce,
        r#"mk "slow" { args = [ "-c" "i=0; while [ $i -lt 30000000 ]; do i=$((i+1)); done; echo done > $out" ]; }"#,
    );
    let out = rnix(
        &["--store", &daemon.uri(), "--realise", "--timeout", "1", "case.nix"],
        &dir,
    );
    let nix_build = Command::new("nix-build")
        .current_dir(&dir)
        .env("NIX_CONFIG", "sandbox = false\nsubstituters =\n")
        .env_remove("NIX_REMOTE")
        .args(["--no-out-link", "--timeout", "1", "case.nix"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), nix_build.status.code(), "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(101));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--option allow-import-from-derivation false`: reading a derivation's output fails
/// before anything is built, naming the output as modern Nix does (Nix 2.8 names the
/// `.drv` only; both say the option is disabled).
#[test]
fn import_from_derivation_can_be_disabled() {
    if !nix_installed() {
        eprintln!("skipped: Nix (nix-daemon, nix-instantiate, nix-store) is not installed");
        return;
    }
    let (dir, nonce) = scratch("noifd");
    let daemon = Daemon::start(&dir).expect("start nix-daemon");
    write_case(
        &dir,
        &nonce,
        r#"import (mk "ifd" { args = [ "-c" "echo 1 > $out" ]; })"#,
    );
    let args = [
        "--eval",
        "--read-write-mode",
        "--option",
        "allow-import-from-derivation",
        "false",
        "--store",
        &daemon.uri(),
        "case.nix",
    ];
    let ours = rnix(&args, &dir);
    let nix = Command::new("nix-instantiate")
        .current_dir(&dir)
        .args(args)
        .output()
        .unwrap();
    assert_eq!(ours.status.code(), Some(1));
    assert_eq!(nix.status.code(), Some(1));
    let first_error = |o: &Output| {
        stderr(o)
            .lines()
            .find(|l| l.starts_with("error:"))
            .unwrap_or("")
            .to_string()
    };
    let (ours_err, nix_err) = (first_error(&ours), first_error(&nix));
    let suffix = "' during evaluation because the option 'allow-import-from-derivation' is disabled";
    assert!(nix_err.ends_with(suffix), "{nix_err}");
    let drv = nix_err
        .trim_start_matches("error: cannot build '")
        .trim_end_matches(suffix);
    assert_eq!(ours_err, format!("error: cannot build '{drv}^out{suffix}"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn store_path_of_a_missing_path_is_an_error() {
    if !nix_installed() {
        eprintln!("skipped: Nix (nix-daemon, nix-instantiate, nix-store) is not installed");
        return;
    }
    let (dir, nonce) = scratch("storepath");
    let daemon = Daemon::start(&dir).expect("start nix-daemon");
    // A well-formed store path that no store has (the nonce makes it new).
    let alphabet = b"0123456789abcdfghijklmnpqrsvwxyz";
    let hash: String = nonce.bytes().map(|b| alphabet[b as usize % 32] as char).collect();
    let missing = format!("/nix/store/{:0<32.32}-missing", hash);
    write_case(
        &dir,
        &nonce,
        &format!(r#"mk "uses" {{ dep = builtins.storePath {missing}; }}"#),
    );
    let out = rnix(&["--store", &daemon.uri(), "case.nix"], &dir);
    assert_clean_failure(&out, &format!("path '{missing}' does not exist and cannot be created"));
    // `appendContext` too (Nix's `ensurePath` there), as nix-instantiate says.
    let _ = std::fs::remove_file(dir.join("src/link"));
    write_case(
        &dir,
        &nonce,
        &format!(r#"mk "appends" {{ dep = builtins.appendContext "{missing}" {{ "{missing}".path = true; }}; }}"#),
    );
    let out = rnix(&["--store", &daemon.uri(), "case.nix"], &dir);
    assert_clean_failure(&out, &format!("path '{missing}' does not exist and cannot be created"));
    let nix = Command::new("nix-instantiate")
        .current_dir(&dir)
        .env("NIX_CONFIG", "substituters =")
        .args(["--store", &daemon.uri(), "case.nix"])
        .output()
        .unwrap();
    assert_clean_failure(&nix, &format!("path '{missing}' does not exist and cannot be created"));
    // `--eval` is read-only in Nix: no check there.
    let expr = format!("builtins.storePath {missing}");
    let out = rnix(&["--store", &daemon.uri(), "--eval", "-E", &expr], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    // A path the store has: the source a first run wrote. (`write_case` makes the
    // source tree again, symlink included.)
    let rewrite = |body: &str| {
        let _ = std::fs::remove_file(dir.join("src/link"));
        write_case(&dir, &nonce, body);
    };
    rewrite(r#"mk "copies" { src = ./src; }"#);
    let first = rnix(&["--store", &daemon.uri(), "case.nix"], &dir);
    assert!(first.status.success(), "{}", stderr(&first));
    let src = rnix(&["--eval", "-E", r#""${./src}""#], &dir);
    let src = stdout(&src).trim_matches('"').to_string();
    rewrite(&format!(r#"mk "uses" {{ dep = builtins.storePath {src}; }}"#));
    let out = rnix(&["--store", &daemon.uri(), "case.nix"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&dir);
}
