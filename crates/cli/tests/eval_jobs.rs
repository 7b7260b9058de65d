//! `--eval-jobs`: the records of `fixtures/jobs` against what Nix computes for the same
//! attributes (`fixtures/jobs/expected`, from `regen.sh`), exit codes, the summary line,
//! worker restarts over `--max-memory-size`, and a flake's hosts as jobs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rnix(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rnix-eval"))
        .args(args)
        .current_dir(root())
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        // Each run evaluates: a cached answer from an earlier run starts no worker (the
        // memory-limit test then saw no restarts), and the user's cache stays untouched.
        .env("RNIX_EVAL_NO_CACHE", "1")
        .output()
        .expect("run rnix-eval")
}

fn records(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// A record as the line `regen.sh` writes (outputs sorted on both sides).
fn as_line(r: &serde_json::Value) -> String {
    let mut outputs: Vec<String> = r["outputs"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap()))
        .collect();
    outputs.sort();
    format!(
        "{} {} {} {} {}",
        r["attr"].as_str().unwrap(),
        r["drvPath"].as_str().unwrap(),
        r["name"].as_str().unwrap(),
        r["system"].as_str().unwrap(),
        outputs.join(" ")
    )
}

fn expected() -> BTreeSet<String> {
    std::fs::read_to_string(root().join("fixtures/jobs/expected"))
        .unwrap()
        .lines()
        .map(|l| {
            let mut words: Vec<&str> = l.split_whitespace().collect();
            let mut outputs = words.split_off(4);
            outputs.sort();
            format!("{} {}", words.join(" "), outputs.join(" "))
        })
        .collect()
}

#[test]
fn job_records_match_nix_and_one_broken_job_fails_the_run() {
    for workers in ["1", "2"] {
        let out = rnix(&[
            "--eval-jobs",
            "--read-only",
            "--workers",
            workers,
            "fixtures/jobs/default.nix",
        ]);
        assert_eq!(out.status.code(), Some(1), "a broken job makes the run fail");
        let recs = records(&out);
        let (errors, built): (Vec<_>, Vec<_>) = recs.iter().partition(|r| r.get("error").is_some());
        let got: BTreeSet<String> = built.iter().map(|r| as_line(r)).collect();
        assert_eq!(got, expected(), "workers {workers}");
        assert_eq!(errors.len(), 1, "{recs:?}");
        assert_eq!(errors[0]["attr"], "broken");
        assert_eq!(errors[0]["attrPath"], serde_json::json!(["broken"]));
        assert!(errors[0]["error"].as_str().unwrap().contains("this job is broken"));
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.lines().last().unwrap_or("");
        assert!(last.starts_with("4 jobs, 1 failed, "), "{err}");
    }
}

#[test]
fn a_selected_set_without_failures_exits_zero_and_force_recurse_enters_every_set() {
    let out = rnix(&["--eval-jobs", "--read-only", "fixtures/jobs/default.nix", "-A", "tools"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let attrs: Vec<String> = records(&out)
        .iter()
        .map(|r| r["attr"].as_str().unwrap().to_string())
        .collect();
    // Relative to the selected set, as nix-eval-jobs prints them.
    assert_eq!(attrs, ["fmt"]);
    let out = rnix(&[
        "--eval-jobs",
        "--read-only",
        "--force-recurse",
        "fixtures/jobs/default.nix",
        "-A",
        "tools",
    ]);
    let mut attrs: Vec<String> = records(&out)
        .iter()
        .map(|r| r["attr"].as_str().unwrap().to_string())
        .collect();
    attrs.sort();
    assert_eq!(attrs, ["deeper.hidden", "fmt"]);
}

#[test]
fn workers_over_the_memory_limit_are_replaced_between_jobs() {
    // 1 MiB: every worker is over the limit after its first job.
    let out = rnix(&[
        "--eval-jobs",
        "--read-only",
        "--workers",
        "1",
        "--max-memory-size",
        "1",
        "fixtures/jobs/default.nix",
    ]);
    let recs = records(&out);
    assert_eq!(recs.len(), 4, "{recs:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("worker restarts"), "{err}");
    let got: BTreeSet<String> = recs.iter().filter(|r| r.get("error").is_none()).map(as_line).collect();
    assert_eq!(got, expected());
}

#[test]
fn a_flakes_hosts_are_jobs_with_their_toplevel() {
    if !root().join(".git").exists() {
        eprintln!("skipped: the repository is not a git checkout");
        return;
    }
    let cache = std::env::temp_dir().join(format!("rnix-eval-jobs-flake-{}", std::process::id()));
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_rnix-eval"))
            .args(args)
            .current_dir(root())
            .env("RNIX_EVAL_PARSE_CACHE", "0")
            .env("RNIX_EVAL_FETCH_CACHE", &cache)
            .env("RNIX_EVAL_NO_CACHE", "1")
            .output()
            .expect("run rnix-eval")
    };
    let out = run(&[
        "--eval-jobs",
        "--read-only",
        "--flake",
        "./fixtures/hosts#nixosConfigurations",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let recs = records(&out);
    assert_eq!(recs.len(), 2);
    for r in recs {
        // Relative to the selected `nixosConfigurations`, as nix-eval-jobs prints them.
        let host = r["attrPath"][0].as_str().unwrap().to_string();
        let path = r["attrPath"].as_array().unwrap();
        assert_eq!(
            path[1..],
            serde_json::json!(["config", "system", "build", "toplevel"])
                .as_array()
                .unwrap()[..]
        );
        // The same drv as the direct `--flake DIR#host` path (checked against Nix in nix-tests/flakes/hosts).
        let direct = run(&["--read-only", "--flake", &format!("./fixtures/hosts#{host}")]);
        assert_eq!(
            String::from_utf8_lossy(&direct.stdout).trim(),
            r["drvPath"].as_str().unwrap()
        );
    }
    let _ = std::fs::remove_dir_all(&cache);
}

/// A `release.nix` that is a function is called with the `--arg`s (it gave `0 jobs` and a
/// passing exit code), and a job that is not a derivation is an error record, not a
/// success with an empty `drvPath`.
#[test]
fn a_function_root_is_called_and_non_derivations_fail() {
    let dir = std::env::temp_dir().join(format!("rnix-jobs-fn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("release.nix");
    std::fs::write(
        &file,
        r#"{ tag ? "d" }: {
  t = derivation { name = "t-${tag}"; system = "x86_64-linux"; builder = "/bin/sh"; };
  nixosConfigurations.h.config.system.build.toplevel = "not a derivation";
}"#,
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let out = rnix(&[
        "--eval-jobs",
        "--read-only",
        "--workers",
        "1",
        "--argstr",
        "tag",
        "x",
        file,
    ]);
    let recs = records(&out);
    let by_attr = |a: &str| recs.iter().find(|r| r["attr"] == a).cloned();
    let t = by_attr("t").expect("the function was called: job t exists");
    assert_eq!(t["name"], "t-x");
    let h = by_attr("nixosConfigurations.h.config.system.build.toplevel").expect("the host job");
    assert!(h["error"].as_str().unwrap().contains("expected a derivation"), "{h}");
    assert_eq!(out.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}
