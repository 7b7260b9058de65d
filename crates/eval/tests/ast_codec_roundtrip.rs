//! The parse cache's codec round-trips every lowered AST of the corpora: decoding an
//! encoding gives the same tree (compared through `Debug`, which shows every field).
//! Lowered with the evaluator's real global table, as the CLI does.

use rnix_eval_core::{Evaluator, Options};
use rnix_eval_parser::{ast_codec, depth, parse, source, Origin};
use std::path::{Path, PathBuf};

fn nix_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_symlink() {
            continue;
        }
        if path.is_dir() {
            nix_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "nix") {
            out.push(path);
        }
    }
}

/// Round-trip every file under `dirs` that parses and lowers; returns how many did.
fn round_trip_all(dirs: Vec<PathBuf>) -> usize {
    // Lowering and the codec recurse: deep test programs need the CLI's kind of stack.
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let ev = Evaluator::new(Options::default());
            let mut files = Vec::new();
            for dir in &dirs {
                nix_files(dir, &mut files);
            }
            let mut checked = 0;
            for path in files {
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                if depth::too_deep(&text).is_some() {
                    continue;
                }
                let parsed = parse(&text);
                if !parsed.errors().is_empty() {
                    continue;
                }
                let name = path.display().to_string();
                let dir = path.parent().unwrap().display().to_string();
                let file = source::add_file(Origin::Path(name.clone()), dir.clone(), text.as_str());
                let Ok(expr) = rnix_eval_parser::lower(file, dir, &parsed.tree(), &ev.global_names) else {
                    continue;
                };
                let mut bytes = Vec::new();
                if ast_codec::encode(&expr, &[], &mut bytes).is_none() {
                    // Deeper than the codec's limit: such files are not cached.
                    continue;
                }
                let decoded = ast_codec::decode(&bytes, file).unwrap_or_else(|| panic!("{name}: decoding failed"));
                assert_eq!(
                    format!("{decoded:?}"),
                    format!("{expr:?}"),
                    "{name}: round trip differs"
                );
                checked += 1;
            }
            checked
        })
        .unwrap()
        .join()
        .unwrap()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn corpus_programs_round_trip() {
    let root = repo();
    let n = round_trip_all(vec![
        root.join("nix-tests/lang"),
        root.join("benches/programs"),
        root.join("benches/programs-store"),
        root.join("fixtures"),
    ]);
    eprintln!("{n} files round-tripped");
    assert!(n > 500, "only {n} files were checked");
}

#[test]
fn nixpkgs_round_trips() {
    let Some(nixpkgs) = std::env::var_os("RNIX_NIXPKGS") else {
        eprintln!("RNIX_NIXPKGS is not set: skipping the nixpkgs round trip");
        return;
    };
    let n = round_trip_all(vec![PathBuf::from(nixpkgs)]);
    eprintln!("{n} nixpkgs files round-tripped");
    assert!(n > 0);
}
