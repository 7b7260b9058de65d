//! The result cache end to end: a second identical run is answered from the cache (the
//! `-v` line `result cache hit` proves it, not timing) with the same stdout and stderr;
//! every kind of change to what the evaluation read gives the new result; the clock
//! makes a result uncacheable; corrupt entries fall back; the size bound holds; flakes
//! (fixtures/hosts) and `--eval-jobs` are answered from it; a `.drv` the store lost is
//! written again (private nix-daemon, when Nix is installed).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let nonce = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!("rnix-result-cache-{tag}-{}-{nonce}", std::process::id()));
        std::fs::create_dir_all(dir.join("work")).unwrap();
        Scratch { dir }
    }

    fn work(&self) -> PathBuf {
        self.dir.join("work")
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.work().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_rnix-eval"));
        c.current_dir(self.work())
            .env("RNIX_EVAL_CACHE_DIR", self.dir.join("cache"))
            .env("RNIX_EVAL_FETCH_CACHE", self.dir.join("fetch"))
            .env_remove("RNIX_EVAL_NO_CACHE")
            .env_remove("RNIX_EVAL_RESULT_CACHE_MAX_MB")
            .env("NIX_PATH", "")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .arg("-v")
            .args(args);
        c
    }

    fn run(&self, args: &[&str]) -> Run {
        Run::of(self.cmd(args).output().unwrap())
    }

    fn results(&self) -> PathBuf {
        self.dir.join("cache/results")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Output with the cache's own `-v` lines taken out of stderr.
#[derive(Debug)]
struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
    cache: String,
}

impl Run {
    fn of(o: Output) -> Run {
        let all = String::from_utf8_lossy(&o.stderr).into_owned();
        let (cache, rest): (Vec<&str>, Vec<&str>) = all.lines().partition(|l| l.starts_with("rnix-eval: "));
        Run {
            ok: o.status.success(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: rest.join("\n"),
            cache: cache.join("\n"),
        }
    }

    fn hit(&self) -> bool {
        self.cache.contains("result cache hit")
    }
}

/// Files written just before a run count as changed during it (file times come from a
/// coarse clock): wait a little before a run that should be recorded.
fn settle() {
    std::thread::sleep(Duration::from_millis(50));
}

/// Run twice: the first evaluates and records, the second must be a hit with the same
/// output. Returns the output.
fn twice(s: &Scratch, args: &[&str]) -> Run {
    settle();
    let first = s.run(args);
    assert!(first.ok, "{first:?}");
    assert!(!first.hit(), "{first:?}");
    let second = s.run(args);
    assert!(second.hit(), "second run not from the cache: {second:?}");
    assert_eq!((&first.stdout, &first.stderr), (&second.stdout, &second.stderr));
    second
}

/// A run after a change: evaluated, never answered from the cache; a later run is
/// answered again with the new output (the changed run itself may not be recorded when
/// the change was too recent to tell from the evaluation's own time).
fn changed(s: &Scratch, args: &[&str]) -> Run {
    let r = s.run(args);
    assert!(r.ok && !r.hit(), "stale answer after a change: {r:?}");
    settle();
    let again = s.run(args);
    let again = if again.hit() { again } else { s.run(args) };
    assert!(again.hit(), "{again:?}");
    assert_eq!((&again.stdout, &again.stderr), (&r.stdout, &r.stderr));
    r
}

const MAIN: &str = r#"
let
  dir = builtins.readDir ./d;
in {
  imported = import ./imported.nix;
  listing = builtins.attrNames dir;
  flag = builtins.pathExists ./flag;
  optional = if builtins.pathExists ./opt.txt then builtins.readFile ./opt.txt else "none";
  env = builtins.getEnv "RNIX_RESULT_CACHE_TEST";
  traced = builtins.trace "a trace on stderr" 1;
}
"#;

fn main_case(tag: &str) -> Scratch {
    let s = Scratch::new(tag);
    s.write("main.nix", MAIN);
    s.write("imported.nix", "\"first\"");
    s.write("d/one", "");
    s.write("opt.txt", "optional");
    s
}

const EVAL: &[&str] = &["--eval", "--strict", "main.nix"];

#[test]
fn second_run_answers_from_the_cache_with_the_same_output() {
    let s = main_case("same");
    let r = twice(&s, EVAL);
    assert!(r.stdout.contains(r#"imported = "first""#), "{r:?}");
    assert!(r.stderr.contains("trace: a trace on stderr"), "{r:?}");
}

#[test]
fn each_kind_of_change_gives_the_new_result() {
    let s = main_case("changes");
    twice(&s, EVAL);
    s.write("imported.nix", "\"second\"");
    assert!(changed(&s, EVAL).stdout.contains(r#"imported = "second""#));
    s.write("d/two", "");
    assert!(changed(&s, EVAL).stdout.contains(r#"listing = [ "one" "two" ]"#));
    std::fs::remove_file(s.work().join("opt.txt")).unwrap();
    assert!(changed(&s, EVAL).stdout.contains(r#"optional = "none""#));
    s.write("flag", "");
    assert!(changed(&s, EVAL).stdout.contains("flag = true"));
    // The environment evaluation read.
    let mut c = s.cmd(EVAL);
    c.env("RNIX_RESULT_CACHE_TEST", "set");
    let r = Run::of(c.output().unwrap());
    assert!(!r.hit() && r.stdout.contains(r#"env = "set""#), "{r:?}");
    // A flag, an --arg, NIX_PATH: other keys, never another's entry.
    let r = s.run(&["--eval", "--strict", "--json", "main.nix"]);
    assert!(
        !r.hit() && r.stdout.starts_with('{') && r.stdout.contains("\"imported\":\"second\""),
        "{r:?}"
    );
    s.write("f.nix", "{ x ? 1 }: x");
    twice(&s, &["--eval", "f.nix", "--arg", "x", "2"]);
    let r = s.run(&["--eval", "f.nix", "--arg", "x", "3"]);
    assert!(!r.hit() && r.stdout == "3\n", "{r:?}");
    s.write("p1/x.nix", "1");
    s.write("p2/x.nix", "2");
    let lookup = ["--eval", "-E", "import <p/x.nix>"];
    let with_path = |p: &str| {
        let mut c = s.cmd(&lookup);
        c.env("NIX_PATH", format!("p={}", s.work().join(p).display()));
        Run::of(c.output().unwrap())
    };
    settle();
    assert_eq!(with_path("p1").stdout, "1\n");
    assert!(with_path("p1").hit());
    let r = with_path("p2");
    assert!(!r.hit() && r.stdout == "2\n", "{r:?}");
}

#[test]
fn the_clock_makes_a_result_uncacheable_and_the_cache_can_be_turned_off() {
    let s = Scratch::new("clock");
    let args = ["--eval", "-E", "builtins.currentTime"];
    s.run(&args);
    let r = s.run(&args);
    assert!(!r.hit() && r.cache.contains("not cached: the clock was read"), "{r:?}");
    s.write("a.nix", "1 + 1");
    twice(&s, &["--eval", "a.nix"]);
    let r = s.run(&["--eval", "a.nix", "--no-eval-cache"]);
    assert!(r.ok && !r.hit() && r.cache.is_empty(), "{r:?}");
    let mut c = s.cmd(&["--eval", "a.nix"]);
    c.env("RNIX_EVAL_NO_CACHE", "1");
    let r = Run::of(c.output().unwrap());
    assert!(r.ok && r.stdout == "2\n" && r.cache.is_empty(), "{r:?}");
}

#[test]
fn a_corrupt_entry_is_ignored() {
    let s = Scratch::new("corrupt");
    s.write("a.nix", "[ 1 2 ]");
    twice(&s, &["--eval", "a.nix"]);
    for e in std::fs::read_dir(s.results()).unwrap() {
        let p = e.unwrap().path();
        let mut bytes = std::fs::read(&p).unwrap();
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0x20;
        std::fs::write(&p, bytes).unwrap();
    }
    let r = s.run(&["--eval", "a.nix"]);
    assert!(r.ok && !r.hit() && r.cache.contains("corrupt"), "{r:?}");
    assert_eq!(r.stdout, "[ 1 2 ]\n");
    assert!(s.run(&["--eval", "a.nix"]).hit());
}

#[test]
fn eviction_keeps_the_size_bound() {
    let s = Scratch::new("evict");
    // Each entry holds 400 KiB of output; the bound is 1 MiB.
    let big = |n: u32| {
        let mut c = s.cmd(&[
            "--eval",
            "-E",
            &format!("builtins.concatStringsSep \"\" (builtins.genList (_: \"x\") 409600) + \"{n}\""),
        ]);
        c.env("RNIX_EVAL_RESULT_CACHE_MAX_MB", "1");
        Run::of(c.output().unwrap())
    };
    for n in 0..5 {
        assert!(big(n).ok);
        std::thread::sleep(Duration::from_millis(20));
    }
    let total: u64 = std::fs::read_dir(s.results())
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert!(total <= 1 << 20, "{total} bytes");
    assert!(big(4).hit(), "the newest entry was kept");
    assert!(!big(0).hit(), "the oldest entry was evicted");
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
        .args(args)
        .output()
        .unwrap()
        .status
        .success();
    assert!(ok, "git {args:?}");
}

fn hosts_flake(tag: &str) -> Scratch {
    let s = Scratch::new(tag);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/hosts");
    for e in std::fs::read_dir(fixtures).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, s.work().join(p.file_name().unwrap())).unwrap();
    }
    git(&s.work(), &["init", "-q", "-b", "main"]);
    git(&s.work(), &["add", "-A"]);
    git(&s.work(), &["commit", "-qm", "hosts"]);
    s
}

#[test]
fn an_unchanged_flake_host_is_answered_and_a_changed_module_is_not() {
    let s = hosts_flake("flake");
    let args = ["--read-only", "--flake", ".#alpha"];
    let clean = twice(&s, &args);
    assert!(clean.stdout.contains("nixos-system-alpha"), "{clean:?}");
    // An untracked file is no part of the flake.
    s.write("notes.txt", "untracked");
    assert!(s.run(&args).hit());
    let mut web = std::fs::read_to_string(s.work().join("web.nix")).unwrap();
    web = web.replacen("{", "{\n  # edited\n", 1);
    s.write("web.nix", &web);
    let dirty = changed(&s, &args);
    assert!(dirty.stdout.contains(".dirty.drv"), "{dirty:?}");
    git(&s.work(), &["commit", "-qam", "edit"]);
    let committed = changed(&s, &args);
    assert_ne!(committed.stdout, clean.stdout);
    assert!(!committed.stdout.contains("dirty"), "{committed:?}");
    // --eval of an attribute of the same host: another key.
    let r = twice(
        &s,
        &[
            "--eval",
            "--flake",
            ".#nixosConfigurations.alpha.config.networking.hostName",
        ],
    );
    assert_eq!(r.stdout, "\"alpha\"\n");
}

#[test]
fn eval_jobs_answers_each_job_from_the_cache() {
    let s = hosts_flake("jobs");
    let args = [
        "--eval-jobs",
        "--read-only",
        "--workers",
        "1",
        "--flake",
        ".#nixosConfigurations",
    ];
    settle();
    let first = s.run(&args);
    assert!(first.ok, "{first:?}");
    let second = s.run(&args);
    assert!(second.ok, "{second:?}");
    assert!(second.cache.contains("2 of 2 jobs from the result cache"), "{second:?}");
    let sorted = |t: &str| {
        let mut l: Vec<String> = t.lines().map(String::from).collect();
        l.sort();
        l
    };
    assert_eq!(sorted(&first.stdout), sorted(&second.stdout));
    s.write(
        "base.nix",
        &std::fs::read_to_string(s.work().join("base.nix"))
            .unwrap()
            .replacen("{", "{\n  # edited\n", 1),
    );
    let third = s.run(&args);
    assert!(third.cache.contains("0 of 2 jobs from the result cache"), "{third:?}");
    assert_ne!(sorted(&third.stdout), sorted(&first.stdout));
}

/// A `.drv` deleted from the store after it was cached is written again by the hit,
/// through the same store writer (a private nix-daemon).
#[test]
fn a_lost_drv_is_written_again() {
    let ok = |c: &str| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !(ok("nix-daemon") && ok("nix-store")) {
        eprintln!("skipped: Nix (nix-daemon, nix-store) is not installed");
        return;
    }
    let s = Scratch::new("lostdrv");
    let socket = s.dir.join("socket");
    let mut daemon = Command::new("nix-daemon")
        .env("NIX_DAEMON_SOCKET_PATH", &socket)
        .env("NIX_CONFIG", "sandbox = false\nsubstituters =\n")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !socket.exists() {
        assert!(std::time::Instant::now() < deadline, "nix-daemon did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let nonce = s.dir.file_name().unwrap().to_string_lossy().into_owned();
    s.write(
        "case.nix",
        &format!(
            r#"let a = derivation {{ name = "a"; system = "x86_64-linux"; builder = "/bin/sh"; nonce = "{nonce}"; }};
in derivation {{ name = "b"; system = "x86_64-linux"; builder = "/bin/sh"; inherit a; }}"#
        ),
    );
    let uri = format!("unix://{}", socket.display());
    let args = &["--store", uri.as_str(), "case.nix"];
    let first = twice(&s, args);
    let drv = first.stdout.trim().to_string();
    assert!(Path::new(&drv).exists(), "{first:?}");
    let delete = Command::new("nix-store")
        .env("NIX_REMOTE", &uri)
        .args(["--delete", &drv])
        .output()
        .unwrap();
    assert!(delete.status.success(), "{}", String::from_utf8_lossy(&delete.stderr));
    assert!(!Path::new(&drv).exists());
    let again = s.run(args);
    assert!(again.hit() && again.stdout.trim() == drv, "{again:?}");
    assert!(Path::new(&drv).exists(), "the hit did not write the lost .drv again");
    let _ = daemon.kill();
    let _ = daemon.wait();
}

/// With `RNIX_NIXPKGS` (a nixpkgs 20.09): a NixOS host flake is answered from the cache,
/// and a change to its module gives the new toplevel.
#[test]
fn a_nixos_host_flake_is_answered_and_a_changed_module_is_not() {
    let Some(nixpkgs) = std::env::var_os("RNIX_NIXPKGS") else {
        eprintln!("skipped: set RNIX_NIXPKGS to a nixpkgs 20.09 checkout");
        return;
    };
    let s = Scratch::new("nixos");
    s.write(
        "flake.nix",
        &format!(
            r#"{{
  inputs.nixpkgs.url = "path:{}";
  outputs = {{ self, nixpkgs }}: {{
    nixosConfigurations.host = nixpkgs.lib.nixosSystem {{
      system = "x86_64-linux";
      modules = [ ./host.nix ];
    }};
  }};
}}
"#,
            Path::new(&nixpkgs).display()
        ),
    );
    let host = |ssh: bool| {
        format!(
            "{{ ... }}: {{\n  boot.loader.grub.device = \"/dev/sda\";\n  fileSystems.\"/\".device = \"/dev/sda1\";\n  services.openssh.enable = {ssh};\n}}\n"
        )
    };
    s.write("host.nix", &host(true));
    git(&s.work(), &["init", "-q", "-b", "main"]);
    git(&s.work(), &["add", "-A"]);
    git(&s.work(), &["commit", "-qm", "host"]);
    let args = ["--read-only", "--flake", ".#host"];
    // The first run writes the lock file (and so is not cached); commit it.
    assert!(s.run(&args).ok);
    git(&s.work(), &["add", "-A"]);
    git(&s.work(), &["commit", "-qm", "lock"]);
    let toplevel = twice(&s, &args);
    assert!(toplevel.stdout.contains("nixos-system-"), "{toplevel:?}");
    let option = [
        "--eval",
        "--flake",
        ".#nixosConfigurations.host.config.services.openssh.enable",
    ];
    assert_eq!(twice(&s, &option).stdout, "true\n");
    s.write("host.nix", &host(false));
    assert_eq!(changed(&s, &option).stdout, "false\n");
}

/// A `path:` flake's `lastModified` is the newest modification time of its files: a file
/// touched with the same contents changes the answer (it was answered from the cache with
/// the old time, where Nix gives the new one). The times are Nix 2.8's for the same tree.
#[test]
fn a_touched_file_of_a_path_flake_changes_last_modified() {
    let s = Scratch::new("path-mtime");
    s.write("f/flake.nix", "{ outputs = { self }: { lm = self.lastModified; }; }");
    s.write("f/data", "x\n");
    let set_time = |rel: &str, secs: u64| {
        let time = std::time::UNIX_EPOCH + Duration::from_secs(secs);
        let file = std::fs::File::options().write(true).open(s.work().join(rel));
        let file = file.or_else(|_| std::fs::File::open(s.work().join(rel))).unwrap();
        file.set_modified(time).unwrap();
    };
    for rel in ["f/flake.nix", "f/data", "f"] {
        set_time(rel, 1_600_000_000);
    }
    let args = ["--eval", "--flake", "path:./f#lm"];
    assert_eq!(twice(&s, &args).stdout, "1600000000\n");
    set_time("f/data", 1_700_000_000);
    assert_eq!(changed(&s, &args).stdout, "1700000000\n");
}
