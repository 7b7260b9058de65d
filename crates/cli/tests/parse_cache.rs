//! The on-disk parse cache seen from the command line: a warm run reads what a cold run
//! wrote and prints the same; corrupt entries and edited files still give the right
//! answer; `RNIX_EVAL_PARSE_CACHE=0` writes nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("rnix-parse-cache-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn rnix(cache: &Path, extra_env: &[(&str, &str)], args: &[&str]) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rnix-eval"));
    cmd.current_dir(root)
        .env("NIX_PATH", "")
        .env_remove("RNIX_EVAL_PARSE_CACHE")
        // Only the parse cache: the result cache would answer before any parsing.
        .env("RNIX_EVAL_NO_CACHE", "1")
        .env("RNIX_EVAL_CACHE_DIR", cache);
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    cmd.args(args).output().expect("run rnix-eval")
}

fn ok_stdout(out: &Output) -> String {
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// How many entries the cache's packs hold.
fn entry_count(dir: &Path) -> usize {
    rnix_eval_parser::pack::entry_count(dir)
}

/// The complete packs (temporary files excluded).
fn packs(dir: &Path) -> Vec<PathBuf> {
    rnix_eval_parser::pack::pack_paths(dir)
}

/// Files in the packs directory that are not complete packs (what a failed or cut-off
/// write would leave).
fn leftovers(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir.join("packs"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_none_or(|e| e != "pack"))
        .collect()
}

const HOSTS: &[&str] = &["--eval", "--strict", "fixtures/hosts/default.nix"];

#[test]
fn warm_run_reads_the_cache_and_prints_the_same() {
    let scratch = Scratch::new("warm");
    let cache = scratch.0.join("cache");
    let cold = ok_stdout(&rnix(&cache, &[], HOSTS));
    let written = packs(&cache);
    // One pack for the run. default.nix imports lib.nix, base.nix and web.nix; files
    // under 512 bytes (base.nix, web.nix) parse faster than an entry is read, and are
    // not cached.
    assert_eq!(written.len(), 1, "packs: {written:?}");
    assert!(entry_count(&cache) >= 2, "entries: {}", entry_count(&cache));
    assert!(leftovers(&cache).is_empty(), "{:?}", leftovers(&cache));
    let mtimes: Vec<_> = written
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().modified().unwrap())
        .collect();
    let warm = ok_stdout(&rnix(&cache, &[], HOSTS));
    assert_eq!(warm, cold);
    let want = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/hosts/default.exp"))
        .unwrap();
    assert_eq!(warm, want);
    // Hits write no pack.
    assert_eq!(packs(&cache), written);
    let again: Vec<_> = written
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().modified().unwrap())
        .collect();
    assert_eq!(again, mtimes);
}

/// Runs that each parse something new add a pack each; past eight packs they are merged
/// into one, which holds every entry once.
#[test]
fn packs_are_merged() {
    let scratch = Scratch::new("merge");
    let cache = scratch.0.join("cache");
    for i in 0..10 {
        let file = scratch.0.join(format!("f{i}.nix"));
        std::fs::write(&file, padded(&format!("{i} + 1"))).unwrap();
        let out = ok_stdout(&rnix(&cache, &[], &["--eval", file.to_str().unwrap()]));
        assert_eq!(out, format!("{}\n", i + 1));
        assert!(packs(&cache).len() <= 8, "{:?}", packs(&cache));
    }
    assert_eq!(entry_count(&cache), 10);
    assert!(packs(&cache).len() < 10);
    assert!(leftovers(&cache).is_empty());
    // Every entry is still found: no new pack after reading them all again.
    let before = packs(&cache);
    for i in 0..10 {
        let file = scratch.0.join(format!("f{i}.nix"));
        ok_stdout(&rnix(&cache, &[], &["--eval", file.to_str().unwrap()]));
    }
    assert_eq!(packs(&cache), before);
}

#[test]
fn corrupt_entries_fall_back_to_parsing() {
    let scratch = Scratch::new("corrupt");
    let cache = scratch.0.join("cache");
    let want = ok_stdout(&rnix(&cache, &[], HOSTS));
    // Three ways a pack can be damaged: garbage, cut short (no index), entries
    // scrambled behind an intact index. Each is tried on a fresh cache.
    for damage in 0..3 {
        let written = packs(&cache);
        assert_eq!(written.len(), 1);
        let mut bytes = std::fs::read(&written[0]).unwrap();
        match damage {
            0 => bytes = b"garbage".repeat(100),
            1 => bytes.truncate(bytes.len() / 2),
            _ => {
                let index_at = bytes.len() - 16;
                let end = u64::from_le_bytes(bytes[index_at..index_at + 8].try_into().unwrap()) as usize;
                for b in bytes[8..end].iter_mut().skip(40).step_by(7) {
                    *b ^= 0x5a;
                }
            }
        }
        std::fs::write(&written[0], bytes).unwrap();
        assert_eq!(ok_stdout(&rnix(&cache, &[], HOSTS)), want, "damage {damage}");
        std::fs::remove_dir_all(&cache).unwrap();
        ok_stdout(&rnix(&cache, &[], HOSTS));
    }
}

/// `text` after a long comment: an edit far from the start of the file.
fn padded(text: &str) -> String {
    format!("# {}\n{text}", "-".repeat(600))
}

#[test]
fn an_edited_file_gives_the_new_answer() {
    let scratch = Scratch::new("edit");
    let cache = scratch.0.join("cache");
    let file = scratch.0.join("a.nix");
    let file = file.to_str().unwrap();
    std::fs::write(file, padded("let x = 1; in x + 1")).unwrap();
    assert_eq!(ok_stdout(&rnix(&cache, &[], &["--eval", file])), "2\n");
    let before = entry_count(&cache);
    assert_eq!(before, 1);
    assert_eq!(ok_stdout(&rnix(&cache, &[], &["--eval", file])), "2\n");
    std::fs::write(file, padded("let x = 1; in x + 41")).unwrap();
    assert_eq!(ok_stdout(&rnix(&cache, &[], &["--eval", file])), "42\n");
    assert_eq!(entry_count(&cache), before + 1);
    // Parse errors are not cached.
    std::fs::write(file, padded("let x = 1; in x +")).unwrap();
    assert!(!rnix(&cache, &[], &["--eval", file]).status.success());
    assert_eq!(entry_count(&cache), before + 1);
    // `~/` paths are expanded while lowering: `HOME` is part of the key.
    std::fs::write(file, padded("~/x")).unwrap();
    let a = ok_stdout(&rnix(&cache, &[("HOME", "/home/a")], &["--eval", file]));
    let b = ok_stdout(&rnix(&cache, &[("HOME", "/home/b")], &["--eval", file]));
    assert_eq!((a.as_str(), b.as_str()), ("/home/a/x\n", "/home/b/x\n"));
    // A short file is cached too, once.
    let count = entry_count(&cache);
    std::fs::write(file, "1 + 2").unwrap();
    assert_eq!(ok_stdout(&rnix(&cache, &[], &["--eval", file])), "3\n");
    assert_eq!(entry_count(&cache), count + 1);
    assert_eq!(ok_stdout(&rnix(&cache, &[], &["--eval", file])), "3\n");
    assert_eq!(entry_count(&cache), count + 1);
}

#[test]
fn disabled_cache_writes_nothing() {
    let scratch = Scratch::new("off");
    let cache = scratch.0.join("cache");
    let out = rnix(&cache, &[("RNIX_EVAL_PARSE_CACHE", "0")], HOSTS);
    ok_stdout(&out);
    assert!(!cache.exists());
    // `-E` expressions are never cached, nor the evaluator's built-in `derivation.nix`.
    ok_stdout(&rnix(&cache, &[], &["--eval", "-E", "1 + 1"]));
    assert_eq!(entry_count(&cache), 0);
}

#[test]
fn unwritable_cache_dir_is_not_an_error() {
    let scratch = Scratch::new("unwritable");
    let blocker = scratch.0.join("file");
    std::fs::write(&blocker, "not a directory").unwrap();
    let want = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/hosts/default.exp"))
        .unwrap();
    assert_eq!(ok_stdout(&rnix(&blocker.join("cache"), &[], HOSTS)), want);
}
