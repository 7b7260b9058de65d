//! The fetcher cache: trees by NAR hash (`trees/<nix32>`), so that a tree that is not in
//! the store can still be read, and small records (`records/<key>`) such as a git
//! revision's NAR hash, so a clean revision is hashed once. Every entry is written to a
//! temporary name and renamed: a failed fetch leaves nothing partial behind.

use std::path::{Path, PathBuf};

pub struct FetchCache {
    root: PathBuf,
}

impl FetchCache {
    /// `$RNIX_EVAL_FETCH_CACHE`, else `$XDG_CACHE_HOME/rnix-eval/fetch`, else
    /// `~/.cache/rnix-eval/fetch`, else a folder in the temporary directory.
    pub fn default_location() -> FetchCache {
        let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        let root = env("RNIX_EVAL_FETCH_CACHE")
            .or_else(|| env("XDG_CACHE_HOME").map(|x| x.join("rnix-eval/fetch")))
            .or_else(|| env("HOME").map(|h| h.join(".cache/rnix-eval/fetch")))
            .unwrap_or_else(|| std::env::temp_dir().join("rnix-eval-fetch"));
        FetchCache { root }
    }

    pub fn at(root: PathBuf) -> FetchCache {
        FetchCache { root }
    }

    /// The directory of a tree with this NAR hash (nix32), whether or not it exists.
    pub fn tree(&self, nar_hash_nix32: &str) -> PathBuf {
        self.root.join("trees").join(nar_hash_nix32)
    }

    /// A fresh, empty directory next to the trees, to fill and then [`FetchCache::commit`].
    pub fn scratch(&self) -> std::io::Result<PathBuf> {
        let dir = self.root.join("tmp");
        std::fs::create_dir_all(&dir)?;
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = dir.join(format!("{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)?;
        Ok(path)
    }

    /// Move a filled scratch directory to its tree name (or drop it if another process
    /// was first).
    pub fn commit(&self, scratch: &Path, nar_hash_nix32: &str) -> std::io::Result<PathBuf> {
        let target = self.tree(nar_hash_nix32);
        std::fs::create_dir_all(target.parent().expect("trees/ has a parent"))?;
        if target.exists() || std::fs::rename(scratch, &target).is_err() {
            let _ = std::fs::remove_dir_all(scratch);
        }
        Ok(target)
    }

    pub fn record(&self, key: &str) -> Option<String> {
        std::fs::read_to_string(self.root.join("records").join(key)).ok()
    }

    pub fn set_record(&self, key: &str, value: &str) {
        let dir = self.root.join("records");
        if std::fs::create_dir_all(&dir).is_err() {
            return;
        }
        let tmp = dir.join(format!(".{key}.{}", std::process::id()));
        // A cache: failing to write it only costs time later.
        if std::fs::write(&tmp, value).is_ok() && std::fs::rename(&tmp, dir.join(key)).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}
