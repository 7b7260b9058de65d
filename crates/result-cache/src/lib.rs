//! The evaluation result cache: an evaluation's output, stored with everything it read,
//! answers the next identical evaluation after checking that nothing it read changed.
//!
//! An entry's *key* is everything fixed before evaluation starts (the executable, the
//! command line, the working directory, `NIX_PATH` and the other environment variables
//! the process reads outside evaluation); its *dependencies* ([`deps::Dep`]) are what
//! evaluation read (files with content hashes, listed directories, checked paths,
//! walked trees, fetched work trees, environment variables); its *result* is the output,
//! the exit status and the store objects the run wrote, so a hit can write again what
//! the store lost. A result that read the clock, or a file modified while evaluation
//! ran, is never stored.
//!
//! The cache is an optimisation, never a failure: a missing, unreadable or corrupt
//! entry (every entry carries a checksum) is a miss, write errors are ignored, entries
//! are written to a temporary file and renamed, and when the entries' total size passes
//! the bound the least recently used ones are removed.

mod codec;
pub mod deps;

use codec::{Reader, Writer};
pub use deps::{Dep, Read, Recorder, Uncacheable, Validator};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// What an entry is found by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key(pub [u8; 32]);

impl Key {
    pub fn hex(&self) -> String {
        blake3::Hash::from(self.0).to_hex().to_string()
    }
}

/// Hashes the fields of a key, each length-prefixed (no two field lists collide).
pub struct KeyBuilder(blake3::Hasher);

impl KeyBuilder {
    /// `kind` separates unrelated uses (a run, an `--eval-jobs` job, a job list).
    pub fn new(kind: &str) -> KeyBuilder {
        let mut b = KeyBuilder(blake3::Hasher::new());
        b.field(codec::MAGIC);
        b.field(kind.as_bytes());
        b
    }

    pub fn field(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    pub fn finish(&self) -> Key {
        Key(*self.0.finalize().as_bytes())
    }
}

/// The running executable's identity: device, inode, size and mtime of
/// `/proc/self/exe`, so a rebuilt or different rnix-eval never answers from another
/// build's entries (cheaper than hashing a large binary on every run).
pub fn executable_identity() -> Vec<u8> {
    let exe = std::env::current_exe().unwrap_or_default();
    let mut out = exe.as_os_str().as_encoded_bytes().to_vec();
    if let Ok(m) = std::fs::metadata(&exe) {
        for n in [m.dev(), m.ino(), m.size(), m.mtime() as u64, m.mtime_nsec() as u64] {
            out.extend_from_slice(&n.to_le_bytes());
        }
    }
    out
}

/// A store object the run wrote, enough to write it again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreObject {
    /// A copied local path (its files are dependencies of the entry, so unchanged).
    Source {
        path: String,
        name: String,
        local_path: String,
        recursive: bool,
        excluded: Vec<String>,
    },
    Text {
        path: String,
        name: String,
        contents: Vec<u8>,
        references: Vec<String>,
    },
    Drv {
        path: String,
        name: String,
        aterm: Vec<u8>,
    },
}

/// A cached result.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    pub deps: Vec<Dep>,
    /// Seconds since the epoch when the dependencies were recorded.
    pub recorded_at: i64,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub exit_code: i32,
    /// In the order they were written (inputs first).
    pub store: Vec<StoreObject>,
}

impl Entry {
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.i64(self.recorded_at);
        w.i64(i64::from(self.exit_code));
        w.bytes(&self.stdout);
        w.bytes(&self.stderr);
        w.u64(self.deps.len() as u64);
        for d in &self.deps {
            deps::write_dep(&mut w, d);
        }
        w.u64(self.store.len() as u64);
        for o in &self.store {
            match o {
                StoreObject::Source {
                    path,
                    name,
                    local_path,
                    recursive,
                    excluded,
                } => {
                    w.u8(0);
                    w.str(path);
                    w.str(name);
                    w.str(local_path);
                    w.u8(u8::from(*recursive));
                    w.u64(excluded.len() as u64);
                    excluded.iter().for_each(|e| w.str(e));
                }
                StoreObject::Text {
                    path,
                    name,
                    contents,
                    references,
                } => {
                    w.u8(1);
                    w.str(path);
                    w.str(name);
                    w.bytes(contents);
                    w.u64(references.len() as u64);
                    references.iter().for_each(|e| w.str(e));
                }
                StoreObject::Drv { path, name, aterm } => {
                    w.u8(2);
                    w.str(path);
                    w.str(name);
                    w.bytes(aterm);
                }
            }
        }
        w.finish()
    }

    /// `None` for anything but a complete, intact entry of this layout.
    pub fn decode(file: &[u8]) -> Option<Entry> {
        let mut r = Reader::open(file)?;
        let recorded_at = r.i64()?;
        let exit_code = i32::try_from(r.i64()?).ok()?;
        let stdout = r.bytes()?.to_vec();
        let stderr = r.bytes()?.to_vec();
        let n = r.count(1)?;
        let mut deps = Vec::with_capacity(n);
        for _ in 0..n {
            deps.push(deps::read_dep(&mut r)?);
        }
        let strings = |r: &mut Reader| -> Option<Vec<String>> {
            let n = r.count(8)?;
            (0..n).map(|_| r.string()).collect()
        };
        let n = r.count(1)?;
        let mut store = Vec::with_capacity(n);
        for _ in 0..n {
            store.push(match r.u8()? {
                0 => StoreObject::Source {
                    path: r.string()?,
                    name: r.string()?,
                    local_path: r.string()?,
                    recursive: r.u8()? == 1,
                    excluded: strings(&mut r)?,
                },
                1 => StoreObject::Text {
                    path: r.string()?,
                    name: r.string()?,
                    contents: r.bytes()?.to_vec(),
                    references: strings(&mut r)?,
                },
                2 => StoreObject::Drv {
                    path: r.string()?,
                    name: r.string()?,
                    aterm: r.bytes()?.to_vec(),
                },
                _ => return None,
            });
        }
        r.at_end().then_some(Entry {
            deps,
            recorded_at,
            stdout,
            stderr,
            exit_code,
            store,
        })
    }
}

/// Why a lookup did not answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Miss {
    NoEntry,
    Corrupt,
    /// A dependency changed: what.
    Changed(String),
}

impl std::fmt::Display for Miss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Miss::NoEntry => f.write_str("no entry"),
            Miss::Corrupt => f.write_str("corrupt entry ignored"),
            Miss::Changed(what) => f.write_str(what),
        }
    }
}

/// Default size bound of the entries together.
pub const DEFAULT_MAX_BYTES: u64 = 512 << 20;

/// The cache directory and its size bound.
pub struct Cache {
    pub dir: PathBuf,
    pub max_bytes: u64,
}

impl Cache {
    /// From the environment: off with `RNIX_EVAL_NO_CACHE` (non-empty, not `0`); the
    /// entries live beside the parse cache's: `$RNIX_EVAL_CACHE_DIR/results`, else
    /// `$XDG_CACHE_HOME/rnix-eval/results`, else `~/.cache/rnix-eval/results`; the bound
    /// is `$RNIX_EVAL_RESULT_CACHE_MAX_MB` MiB (default 512).
    pub fn from_env() -> Option<Cache> {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        if var("RNIX_EVAL_NO_CACHE").is_some_and(|v| v != "0") {
            return None;
        }
        let dir = if let Some(d) = var("RNIX_EVAL_CACHE_DIR") {
            PathBuf::from(d).join("results")
        } else if let Some(x) = var("XDG_CACHE_HOME") {
            PathBuf::from(x).join("rnix-eval/results")
        } else {
            PathBuf::from(var("HOME")?).join(".cache/rnix-eval/results")
        };
        let max_bytes = var("RNIX_EVAL_RESULT_CACHE_MAX_MB")
            .and_then(|v| v.to_str()?.parse::<u64>().ok())
            .map_or(DEFAULT_MAX_BYTES, |mb| mb << 20);
        Some(Cache { dir, max_bytes })
    }

    fn path(&self, key: &Key) -> PathBuf {
        self.dir.join(key.hex())
    }

    /// The entry for `key` if it is intact and every dependency is unchanged; a hit
    /// marks the entry as recently used.
    pub fn lookup(&self, key: &Key, validator: &mut Validator) -> Result<Entry, Miss> {
        let path = self.path(key);
        let bytes = std::fs::read(&path).map_err(|_| Miss::NoEntry)?;
        let entry = Entry::decode(&bytes).ok_or(Miss::Corrupt)?;
        validator.check(&entry.deps, entry.recorded_at).map_err(Miss::Changed)?;
        if let Ok(f) = std::fs::File::options().append(true).open(&path) {
            let _ = f.set_modified(std::time::SystemTime::now());
        }
        Ok(entry)
    }

    /// Write the entry (temporary file, then rename) and keep the size bound.
    pub fn store(&self, key: &Key, entry: &Entry) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = self.dir.join(format!(".tmp-{}-{n}", std::process::id()));
        let result = std::fs::write(&tmp, entry.encode()).and_then(|_| std::fs::rename(&tmp, self.path(key)));
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result?;
        self.evict();
        Ok(())
    }

    /// Remove the least recently used entries until the rest fit the bound (temporary
    /// files of writers that died are removed after an hour).
    pub fn evict(&self) {
        let Ok(read) = std::fs::read_dir(&self.dir) else { return };
        let now = std::time::SystemTime::now();
        let mut entries = Vec::new();
        let mut total = 0u64;
        for e in read.flatten() {
            let Ok(m) = e.metadata() else { continue };
            let modified = m.modified().unwrap_or(now);
            if e.file_name().as_encoded_bytes().starts_with(b".tmp-") {
                if now.duration_since(modified).is_ok_and(|d| d.as_secs() > 3600) {
                    let _ = std::fs::remove_file(e.path());
                }
                continue;
            }
            total += m.len();
            entries.push((modified, m.len(), e.path()));
        }
        if total <= self.max_bytes {
            return;
        }
        entries.sort();
        for (_, len, path) in entries {
            if total <= self.max_bytes {
                break;
            }
            if std::fs::remove_file(&path).is_ok() {
                total -= len;
            }
        }
    }

    /// The entries' total size.
    pub fn size(&self) -> u64 {
        std::fs::read_dir(&self.dir)
            .map(|r| r.flatten().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum())
            .unwrap_or(0)
    }
}

/// Seconds since the epoch, now.
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Nanoseconds since the epoch, now, on the clock the kernel stamps file times with
/// (`CLOCK_REALTIME_COARSE`): a file written after this reading has an mtime at least
/// this. The precise clock ran ahead of it by more than the slack `deps.rs` allows on
/// a busy machine, so a file written during an evaluation looked older than its start.
pub fn now_ns() -> i128 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid timespec for the call to fill in.
    if unsafe { libc::clock_gettime(libc::CLOCK_REALTIME_COARSE, &mut ts) } != 0 {
        return std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i128);
    }
    ts.tv_sec as i128 * 1_000_000_000 + ts.tv_nsec as i128
}

/// Whether `path` lies below one of `roots`.
pub fn below(path: &Path, roots: &[PathBuf]) -> bool {
    roots.iter().any(|r| path.starts_with(r))
}

#[cfg(test)]
mod tests;
