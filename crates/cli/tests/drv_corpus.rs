//! Runs `rnix-eval --read-only` over the derivation corpus in `nix-tests/drv` and checks,
//! for each case, that the printed `.drv` paths and the bytes of every `.drv` in their
//! closure equal what Nix 2.8 wrote (`nix-tests/drv/regen.sh`). Ends with
//! `N passed, M failed`.
//!
//! `RNIX_CORPUS_FILTER=substring` runs only matching cases; `RNIX_CORPUS_VERBOSE=1` prints
//! every failure in full.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../nix-tests/drv");
    let root = root.canonicalize().expect("nix-tests/drv exists");
    let filter = std::env::var("RNIX_CORPUS_FILTER").unwrap_or_default();
    let verbose = std::env::var_os("RNIX_CORPUS_VERBOSE").is_some();
    let mut cases: Vec<String> = std::fs::read_dir(&root)
        .expect("read corpus")
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".nix").map(String::from)
        })
        .filter(|c| c.contains(&filter))
        .collect();
    cases.sort();
    let scratch = std::env::temp_dir().join(format!("rnix-drv-corpus-{}", std::process::id()));
    let (mut passed, mut failed) = (0, 0);
    for case in &cases {
        match run_case(&root, &scratch.join(case), case) {
            Ok(()) => passed += 1,
            Err(why) => {
                failed += 1;
                let shown = if verbose {
                    why
                } else {
                    why.lines().take(6).collect::<Vec<_>>().join("\n")
                };
                println!("FAIL {case}: {shown}");
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    println!("{passed} passed, {failed} failed");
    if failed > 0 || passed == 0 {
        std::process::exit(1);
    }
}

fn run_case(root: &Path, scratch: &PathBuf, case: &str) -> Result<(), String> {
    let expected_paths = std::fs::read_to_string(root.join(format!("{case}.exp")))
        .map_err(|e| format!("no expected output ({e}); run nix-tests/drv/regen.sh {case}"))?;
    let expected_drvs = parse_drvs(&std::fs::read_to_string(root.join(format!("{case}.drvs"))).unwrap_or_default());
    let output = Command::new(env!("CARGO_BIN_EXE_rnix-eval"))
        // Never the user's parse cache (tests/parse_cache.rs covers the cache).
        .env("RNIX_EVAL_PARSE_CACHE", "0")
        .current_dir(root)
        .env("NIX_PATH", "")
        .env_remove("NIX_STORE_DIR")
        .arg("--read-only")
        .arg("--write-drvs-to")
        .arg(scratch)
        .arg(format!("{case}.nix"))
        .output()
        .map_err(|e| format!("running rnix-eval: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "rnix-eval failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    if stdout != expected_paths {
        return Err(format!(
            "printed paths differ\n--- expected\n{expected_paths}--- got\n{stdout}"
        ));
    }
    for (path, want) in &expected_drvs {
        let base = path.rsplit('/').next().unwrap_or(path);
        let got =
            std::fs::read_to_string(scratch.join(base)).map_err(|_| format!("{path}: not produced by rnix-eval"))?;
        if &got != want {
            return Err(format!("{path}: bytes differ\n--- expected\n{want}\n--- got\n{got}"));
        }
    }
    Ok(())
}

/// `== PATH` lines, each followed by the file's bytes (a `.drv` is one line: ATerm escapes
/// newlines).
fn parse_drvs(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(header) = lines.next() {
        if let Some(path) = header.strip_prefix("== ") {
            out.insert(path.to_string(), lines.next().unwrap_or("").to_string());
        }
    }
    out
}
