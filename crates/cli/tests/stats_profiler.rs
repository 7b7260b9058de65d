//! `NIX_SHOW_STATS` and `--eval-profiler flamegraph`.
//!
//! The counters that mean the same thing in both evaluators (calls, `//`, `++`, list
//! elements, frame slots) are compared with the ones Nix computes for the same program,
//! live (skipped, with a message, when Nix is not installed). The profile is checked
//! for the call sites of the program it profiled.

use serde_json::Value as Json;
use std::path::PathBuf;
use std::process::Command;

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rnix-stats-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn stats_of(program: &str, expr: &str, dir: &std::path::Path) -> Json {
    let path = dir.join(format!("{}.json", program.rsplit('/').next().unwrap()));
    let out = Command::new(program)
        .args(["--eval", "-E", expr])
        .env("NIX_SHOW_STATS", "1")
        .env("NIX_SHOW_STATS_PATH", &path)
        .env("NIX_PATH", "")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{program}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()
}

/// Calls (curried, through `foldl'`, `genList`, `map`, `mapAttrs`, a pattern), `//`,
/// `++` (of unshared operands, and of a shared left one, which is copied): everything
/// these counters see, in one program.
const PROGRAM: &str = r#"
let
  f = x: x;
  g = { a, b ? 2 }: a + b;
  xs = builtins.genList (x: x) 100;
  s = builtins.mapAttrs (n: v: v + 1) { a = 1; b = 2; };
in builtins.foldl' (a: b: a + f b) 0 xs
  + ({ a = 1; b = 2; } // { c = 3; }).c
  + builtins.length ([ 1 ] ++ [ 2 3 ] ++ map f xs)
  + g { a = 1; } + s.a + s.b
  + (let l = [ 4 5 ]; in builtins.length l + builtins.length (l ++ [ 6 ]))
"#;

#[test]
fn show_stats_counts_as_nix_does() {
    let dir = scratch("counts");
    let ours = stats_of(env!("CARGO_BIN_EXE_rnix-eval"), PROGRAM, &dir);
    for key in [
        "cpuTime",
        "envs",
        "list",
        "values",
        "symbols",
        "sets",
        "sizes",
        "nrThunks",
        "nrAvoided",
        "nrLookups",
        "gc",
    ] {
        assert!(ours.get(key).is_some(), "NIX_SHOW_STATS lacks '{key}': {ours}");
    }
    let installed = Command::new("nix-instantiate")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        eprintln!("skipped: nix-instantiate is not installed, the counts are not compared with Nix's");
        return;
    }
    let nix = stats_of("nix-instantiate", PROGRAM, &dir);
    for path in [
        "/nrFunctionCalls",
        "/nrPrimOpCalls",
        "/nrOpUpdates",
        "/nrOpUpdateValuesCopied",
        "/list/elements",
        "/list/concats",
        "/envs/elements",
    ] {
        assert_eq!(
            ours.pointer(path),
            nix.pointer(path),
            "{path}: rnix-eval {ours} against Nix {nix}"
        );
    }
}

#[test]
fn stats_go_to_stderr_without_a_path() {
    let out = Command::new(env!("CARGO_BIN_EXE_rnix-eval"))
        .args(["--eval", "-E", "1 + 1"])
        .env("NIX_SHOW_STATS", "1")
        .env_remove("NIX_SHOW_STATS_PATH")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "2\n");
    let stats: Json = serde_json::from_slice(&out.stderr).expect("stderr is the statistics' JSON");
    assert!(stats["nrFunctionCalls"].is_u64());
}

#[test]
fn flamegraph_profile_names_call_sites() {
    let dir = scratch("profile");
    let file = dir.join("prog.nix");
    std::fs::write(
        &file,
        "let\n  double = x: x * 2;\n  sum = builtins.foldl' (a: b: a + double b) 0;\nin sum (builtins.genList (i: i) 1000)\n",
    )
    .unwrap();
    let profile = dir.join("out.profile");
    let out = Command::new(env!("CARGO_BIN_EXE_rnix-eval"))
        .arg("--eval")
        .arg(&file)
        .args([
            "--eval-profiler",
            "flamegraph",
            "--eval-profiler-frequency",
            "0",
            "--eval-profile-file",
        ])
        .arg(&profile)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "999000\n");
    let text = std::fs::read_to_string(&profile).unwrap();
    let file = file.display();
    // `double b` is called at line 3, column 36, once per element: 1000 samples.
    let double_calls: u64 = text
        .lines()
        .filter(|l| l.rsplit_once(' ').unwrap().0.ends_with(&format!("{file}:3:36:double")))
        .map(|l| l.rsplit_once(' ').unwrap().1.parse::<u64>().unwrap())
        .sum();
    assert_eq!(double_calls, 1000, "profile:\n{text}");
    // `sum (...)` at line 4, column 4 gives `foldl'` its last argument.
    assert!(text.contains(&format!("{file}:4:4:primop foldl'")), "profile:\n{text}");
}

#[test]
fn bad_profiler_setting_is_a_warning() {
    let out = Command::new(env!("CARGO_BIN_EXE_rnix-eval"))
        .args(["--eval", "-E", "1", "--option", "eval-profiler", "perf"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("eval-profiler"));
}

/// Cyclic garbage made in a loop (a `rec` set per element) turns the cycle collector on
/// once the peak memory passes its mark (`RNIX_EVAL_CYCLES_AUTO_MIB`, 2 GiB by default):
/// collections run and free frames, and the answer is the same as without them.
#[test]
fn cycle_collection_starts_when_memory_grows() {
    const LOOP: &str = r#"
let mk = i: rec { a = i; b = a + 1; c = b * 2; pad = builtins.genList (j: j + i) 20; };
in builtins.foldl' (acc: i: acc + (mk i).c + builtins.length (mk i).pad) 0 (builtins.genList (x: x) 300000)
"#;
    let dir = scratch("auto-cycles");
    let run = |env: &[(&str, &str)]| {
        let path = dir.join("stats.json");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rnix-eval"));
        cmd.args(["--eval", "-E", LOOP])
            .env("NIX_SHOW_STATS", "1")
            .env("NIX_SHOW_STATS_PATH", &path)
            .env("NIX_PATH", "")
            .env("RNIX_EVAL_NO_CACHE", "1")
            .env_remove("RNIX_EVAL_CYCLES");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let stats: Json = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        (String::from_utf8(out.stdout).unwrap(), stats["gc"].clone())
    };
    let (plain, gc) = run(&[]);
    assert_eq!(gc["cycles"], 0, "{gc}");
    let (collected, gc) = run(&[("RNIX_EVAL_CYCLES_AUTO_MIB", "64")]);
    assert_eq!(collected, plain);
    assert!(gc["cycles"].as_u64().unwrap() > 0, "{gc}");
    assert!(gc["framesFreed"].as_u64().unwrap() > 100_000, "{gc}");
    // A threshold chosen by the environment (here: off) is kept.
    let (_, gc) = run(&[("RNIX_EVAL_CYCLES_AUTO_MIB", "64"), ("RNIX_EVAL_CYCLES", "0")]);
    assert_eq!(gc["cycles"], 0, "{gc}");
}
