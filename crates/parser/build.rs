//! Fingerprint of everything the lowered AST depends on at build time: this crate's
//! sources (the lowering, the AST types, the cache codec), the vendored rnix's sources
//! (`vendor/rnix/src`: its lexer and parser decide what a file parses to) and the
//! workspace's `Cargo.lock`. The on-disk parse cache keys every entry with it, so a change
//! to any of them invalidates the whole cache.

use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut hasher = blake3::Hasher::new();
    let mut files = Vec::new();
    collect(&manifest.join("src"), &mut files);
    collect(&manifest.join("../../vendor/rnix/src"), &mut files);
    files.sort();
    let lock = manifest.join("../../Cargo.lock");
    if lock.exists() {
        files.push(lock);
    }
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=../../vendor/rnix/src");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let rel = file.strip_prefix(&manifest).unwrap_or(file);
        hasher.update(rel.to_string_lossy().as_bytes());
        hasher.update(&[0]);
        let bytes = std::fs::read(file).unwrap_or_default();
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
    println!("cargo:rustc-env=RNIX_AST_FINGERPRINT={}", hasher.finalize().to_hex());
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}
