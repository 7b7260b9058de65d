//! `--differential`: every case of the derivation corpus is `identical` under the
//! installed Nix; and with a fake Nix whose `.drv` differs, the record names the
//! differing `.drv` and field with both values.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn records(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

#[test]
fn the_drv_corpus_is_identical_under_nix() {
    if Command::new("nix-instantiate").arg("--version").output().is_err() {
        eprintln!("skipped: nix-instantiate is not installed");
        return;
    }
    let dir = root().join("nix-tests/drv");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "nix"))
        .collect();
    cases.sort();
    let (mut identical, mut jobs) = (0, 0);
    for case in &cases {
        let out = Command::new(env!("CARGO_BIN_EXE_rnix-eval"))
            .args(["--differential", "--read-only", "--workers", "1"])
            .arg(case)
            .current_dir(&dir)
            .env("RNIX_EVAL_PARSE_CACHE", "0")
            .output()
            .expect("run rnix-eval");
        for r in records(&out.stdout) {
            jobs += 1;
            if r["differential"] == "identical" {
                identical += 1;
            } else {
                eprintln!("{}: {r}", case.display());
            }
        }
    }
    println!("{identical} of {jobs} jobs identical in {} cases", cases.len());
    assert!(jobs >= cases.len(), "every case has a job");
    assert_eq!(identical, jobs);
}

#[test]
fn a_different_drv_is_named_with_its_field() {
    let scratch = std::env::temp_dir().join(format!("rnix-differential-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let (ours_dir, fake) = (scratch.join("ours"), scratch.join("fake"));
    std::fs::create_dir_all(&fake).unwrap();
    // Our .drv of the job, then a copy with other arguments as "Nix's".
    let out = Command::new(env!("CARGO_BIN_EXE_rnix-eval"))
        .args(["--read-only", "--write-drvs-to"])
        .arg(&ours_dir)
        .args(["fixtures/jobs/default.nix", "-A", "hello"])
        .current_dir(root())
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        .output()
        .expect("run rnix-eval");
    let ours = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let base = ours.rsplit('/').next().unwrap().to_string();
    let aterm = std::fs::read_to_string(ours_dir.join(&base)).unwrap();
    assert!(aterm.contains("echo hello-1.0 > $out"), "{aterm}");
    let theirs = fake.join(base.replacen(&base[..32], &"0".repeat(32), 1));
    std::fs::write(&theirs, aterm.replace("echo hello-1.0 > $out", "echo HELLO > $out")).unwrap();
    let script = format!("#!/bin/sh\necho {}\n", theirs.display());
    for name in ["nix", "nix-instantiate"] {
        std::fs::write(fake.join(name), &script).unwrap();
        Command::new("chmod").arg("+x").arg(fake.join(name)).status().unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_rnix-eval"))
        .args(["--differential", "--read-only", "--nix"])
        .arg(fake.join("nix"))
        .args(["fixtures/jobs/default.nix", "-A", "hello"])
        .current_dir(root())
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        .output()
        .expect("run rnix-eval");
    assert_eq!(out.status.code(), Some(1), "a difference fails the run");
    let r = &records(&out.stdout)[0];
    assert_eq!(r["differential"], "different", "{r}");
    assert_eq!(r["differentDrv"], ours.as_str());
    assert_eq!(r["nixDrv"], theirs.to_string_lossy().as_ref());
    assert_eq!(r["field"], "args");
    assert!(r["ours"].as_str().unwrap().contains("echo hello-1.0"), "{r}");
    assert!(r["nix"].as_str().unwrap().contains("echo HELLO"), "{r}");
    let _ = std::fs::remove_dir_all(&scratch);
}
