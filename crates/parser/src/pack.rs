//! Parse cache entries stored in pack files, one written per run that parsed something.
//!
//! A file per entry cost a first NixOS evaluation 1.6 s of system time (1,689 files
//! created, 0.5-1 ms each on ext4) and 0.35 s of wall time waiting for them at exit. A
//! run now appends its new entries to one temporary file and renames it into place when
//! it ends; readers look entries up in the indexes of every pack and read one with a
//! single `pread`.
//!
//! Layout of `<dir>/packs/<name>.pack`: [`MAGIC`], the entries back to back (each is a
//! whole entry as `cache.rs` encodes it, whose own header names its key), the index
//! (count as u32, then per entry: key, offset u64, length u32) and the footer (the
//! index's offset u64, then [`MAGIC`]); integers little-endian.
//!
//! Invariants: a pack is complete when it has its name (written under a temporary name,
//! renamed at the end), and never changes afterwards; a pack with a bad footer or index is
//! ignored, and an entry whose bytes do not decode falls back to parsing (the caller
//! checks the entry's own header against the key). Past [`MAX_PACKS`] packs the writer
//! merges them into one, so readers open a bounded number of files.

use rustc_hash::FxHashMap;
use std::fs::File;
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

const MAGIC: &[u8; 8] = b"RNXPACK1";
/// Bytes of an index record: key, offset, length.
const RECORD: usize = 32 + 8 + 4;
/// Packs kept before the writer merges them.
const MAX_PACKS: usize = 8;
/// Temporary files older than this are left by runs that died: the merge removes them.
const STALE_SECS: u64 = 24 * 3600;

pub(crate) type Key = [u8; 32];

struct Location {
    pack: usize,
    offset: u64,
    len: u32,
}

/// The packs of one cache directory, opened once per process.
struct Packs {
    dir: PathBuf,
    /// Shared with the lazily decoded files read from them ([`crate::ast_codec`]).
    files: Vec<Arc<File>>,
    index: FxHashMap<Key, Location>,
}

static OPEN: Mutex<Option<Packs>> = Mutex::new(None);

fn packs_dir(dir: &Path) -> PathBuf {
    dir.join("packs")
}

/// The packs in `dir`, complete ones only, in name order.
pub fn pack_paths(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(packs_dir(dir))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "pack"))
        .collect();
    paths.sort();
    paths
}

/// The index of the pack `file`, or `None` if it is not a complete pack.
fn read_index(file: &File) -> Option<Vec<(Key, u64, u32)>> {
    let len = file.metadata().ok()?.len();
    let mut footer = [0u8; 16];
    file.read_exact_at(&mut footer, len.checked_sub(16)?).ok()?;
    if &footer[8..] != MAGIC {
        return None;
    }
    let start = u64::from_le_bytes(footer[..8].try_into().ok()?);
    let size = usize::try_from(len.checked_sub(16)?.checked_sub(start)?).ok()?;
    let mut bytes = vec![0u8; size];
    file.read_exact_at(&mut bytes, start).ok()?;
    let count = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
    let records = bytes.get(4..)?;
    if records.len() != count.checked_mul(RECORD)? {
        return None;
    }
    let mut index = Vec::with_capacity(count);
    for r in records.chunks_exact(RECORD) {
        let key: Key = r[..32].try_into().ok()?;
        let offset = u64::from_le_bytes(r[32..40].try_into().ok()?);
        let entry_len = u32::from_le_bytes(r[40..44].try_into().ok()?);
        if offset.checked_add(u64::from(entry_len))? > start {
            return None;
        }
        index.push((key, offset, entry_len));
    }
    Some(index)
}

fn open(dir: &Path) -> Packs {
    let mut packs = Packs {
        dir: dir.to_path_buf(),
        files: Vec::new(),
        index: FxHashMap::default(),
    };
    for path in pack_paths(dir) {
        let Ok(file) = File::open(&path) else { continue };
        let Some(index) = read_index(&file) else { continue };
        let pack = packs.files.len();
        for (key, offset, len) in index {
            packs.index.insert(key, Location { pack, offset, len });
        }
        packs.files.push(Arc::new(file));
    }
    packs
}

/// Run `f` on the packs of `dir`, opening them on first use.
fn with_packs<T>(dir: &Path, f: impl FnOnce(&Packs) -> T) -> T {
    let mut open_packs = OPEN.lock().unwrap_or_else(|e| e.into_inner());
    if open_packs.as_ref().is_none_or(|p| p.dir != dir) {
        *open_packs = Some(open(dir));
    }
    f(open_packs.as_ref().expect("just opened"))
}

/// An entry read from a pack: its bytes, and the pack and offset they were read from.
pub(crate) struct Entry {
    pub bytes: Vec<u8>,
    pub pack: Arc<File>,
    pub offset: u64,
}

/// The entry for `key`, if a pack has one.
pub(crate) fn get(dir: &Path, key: &Key) -> Option<Entry> {
    with_packs(dir, |packs| {
        let at = packs.index.get(key)?;
        let mut bytes = vec![0u8; at.len as usize];
        let pack = &packs.files[at.pack];
        pack.read_exact_at(&mut bytes, at.offset).ok()?;
        Some(Entry {
            bytes,
            pack: pack.clone(),
            offset: at.offset,
        })
    })
}

/// The pack a run is writing: entries are appended as they come.
pub(crate) struct PackWriter {
    dir: PathBuf,
    tmp: PathBuf,
    /// The name the pack gets when it is complete.
    path: PathBuf,
    /// Buffered: entries of small files are a few hundred bytes, a write each.
    file: std::io::BufWriter<File>,
    len: u64,
    index: Vec<(Key, u64, u32)>,
}

impl PackWriter {
    pub(crate) fn create(dir: &Path) -> std::io::Result<PackWriter> {
        let packs = packs_dir(dir);
        std::fs::create_dir_all(&packs)?;
        let name = unique_name();
        let tmp = packs.join(format!(".{name}.tmp"));
        let mut file = std::io::BufWriter::with_capacity(1 << 16, File::create(&tmp)?);
        file.write_all(MAGIC)?;
        Ok(PackWriter {
            dir: dir.to_path_buf(),
            tmp,
            path: packs.join(format!("{name}.pack")),
            file,
            len: MAGIC.len() as u64,
            index: Vec::new(),
        })
    }

    pub(crate) fn append(&mut self, key: Key, entry: &[u8]) -> std::io::Result<()> {
        let len = u32::try_from(entry.len()).map_err(|_| std::io::ErrorKind::InvalidInput)?;
        self.file.write_all(entry)?;
        self.index.push((key, self.len, len));
        self.len += u64::from(len);
        Ok(())
    }

    /// Remove the temporary file: the run's entries are not cached.
    pub(crate) fn abandon(self) {
        let _ = std::fs::remove_file(&self.tmp);
    }

    /// Write the index and give the pack its name; then merge the packs if there are
    /// too many.
    pub(crate) fn finish(self) {
        let dir = self.dir.clone();
        if self.seal().is_ok() {
            let paths = pack_paths(&dir);
            if paths.len() > MAX_PACKS {
                merge(&dir, &paths);
            }
        }
    }

    /// Write the index and give the pack its name. On an error the temporary file is
    /// removed: nothing partial stays.
    fn seal(self) -> std::io::Result<()> {
        let PackWriter {
            tmp,
            path,
            file,
            len,
            index,
            ..
        } = self;
        let done = file
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(|file| write_index(file, len, &index))
            .and_then(|()| std::fs::rename(&tmp, path));
        if done.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        done
    }
}

fn write_index(mut file: File, start: u64, index: &[(Key, u64, u32)]) -> std::io::Result<()> {
    let mut bytes = Vec::with_capacity(4 + index.len() * RECORD + 16);
    bytes.extend_from_slice(&(index.len() as u32).to_le_bytes());
    for (key, offset, len) in index {
        bytes.extend_from_slice(key);
        bytes.extend_from_slice(&offset.to_le_bytes());
        bytes.extend_from_slice(&len.to_le_bytes());
    }
    bytes.extend_from_slice(&start.to_le_bytes());
    bytes.extend_from_slice(MAGIC);
    file.write_all(&bytes)
}

/// Merge `paths` into one pack (an entry in several is kept once), then remove them and
/// the temporary files of runs that died. Another process may merge at the same time:
/// both merged packs are complete, and removing a pack another reader has open does
/// not disturb it (its open file stays readable).
fn merge(dir: &Path, paths: &[PathBuf]) {
    let Ok(mut out) = PackWriter::create(dir) else { return };
    let mut seen = rustc_hash::FxHashSet::default();
    for path in paths {
        let Ok(file) = File::open(path) else { continue };
        let Some(index) = read_index(&file) else { continue };
        for (key, offset, len) in index {
            if seen.contains(&key) {
                continue;
            }
            let mut bytes = vec![0u8; len as usize];
            if file.read_exact_at(&mut bytes, offset).is_err() {
                continue;
            }
            if out.append(key, &bytes).is_err() {
                out.abandon();
                return;
            }
            seen.insert(key);
        }
    }
    if out.seal().is_err() {
        return;
    }
    for path in paths {
        let _ = std::fs::remove_file(path);
    }
    remove_stale_temporaries(dir);
}

fn remove_stale_temporaries(dir: &Path) {
    let now = std::time::SystemTime::now();
    for entry in std::fs::read_dir(packs_dir(dir)).into_iter().flatten().flatten() {
        let path = entry.path();
        let is_tmp = path.extension().is_some_and(|e| e == "tmp");
        let age = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|m| now.duration_since(m).ok());
        if is_tmp && age.is_some_and(|a| a.as_secs() > STALE_SECS) {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A name no other run picks: the process, the time, a counter.
fn unique_name() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{nanos:x}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// How many entries the packs of `dir` hold (duplicates counted once): for tests and
/// tools.
pub fn entry_count(dir: &Path) -> usize {
    open(dir).index.len()
}
