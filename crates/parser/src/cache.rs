//! The on-disk parse cache: lowered ASTs of files, like Python's `.pyc`.
//!
//! An entry is keyed by a blake3 hash of everything the lowering depends on: the build's
//! fingerprint (this crate's sources and `Cargo.lock`, from `build.rs`), the global
//! names and their slots, the file's path and base directory, `$HOME` (`~/` paths are
//! expanded while lowering) and the file's text. A warm run then skips rnix and the
//! lowering and only decodes ([`crate::ast_codec`]).
//!
//! The cache is an optimisation, never a failure: unreadable or corrupt entries fall
//! back to parsing, errors writing entries are ignored, and parse errors are not cached.
//! Entries are stored in pack files, one per run that parsed something ([`crate::pack`]).
//!
//! Location: `$RNIX_EVAL_CACHE_DIR`, else `$XDG_CACHE_HOME/rnix-eval/ast`, else
//! `$HOME/.cache/rnix-eval/ast`; `RNIX_EVAL_PARSE_CACHE=0` turns it off.

use crate::ast::Expr;
use crate::ast_codec;
use crate::pack;
use crate::source::FileId;
use std::path::{Path, PathBuf};

/// Start of every entry; bumped with incompatible changes of the layout (the build
/// fingerprint changes with any source change anyway).
const MAGIC: &[u8; 8] = b"RNXAST7\n";

/// Fingerprint of the parser crate's sources and `Cargo.lock`, from `build.rs`.
pub const BUILD_FINGERPRINT: &str = env!("RNIX_AST_FINGERPRINT");

/// Where entries live, or `None` when the cache is disabled or has no home.
pub fn dir() -> Option<PathBuf> {
    if std::env::var_os("RNIX_EVAL_PARSE_CACHE").is_some_and(|v| v == "0") {
        return None;
    }
    let non_empty = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = non_empty("RNIX_EVAL_CACHE_DIR") {
        return Some(dir);
    }
    if let Some(xdg) = non_empty("XDG_CACHE_HOME") {
        return Some(xdg.join("rnix-eval/ast"));
    }
    non_empty("HOME").map(|home| home.join(".cache/rnix-eval/ast"))
}

/// What an entry's key is computed from.
pub struct KeyInput<'a> {
    pub globals: [u8; 32],
    pub path: &'a str,
    pub base_dir: &'a str,
    pub home: Option<&'a str>,
    pub text: &'a str,
}

pub fn key(input: &KeyInput) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    let mut field = |bytes: &[u8]| {
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    field(MAGIC);
    field(BUILD_FINGERPRINT.as_bytes());
    field(&input.globals);
    field(input.path.as_bytes());
    field(input.base_dir.as_bytes());
    match input.home {
        None => field(b"\0no HOME"),
        Some(home) => field(home.as_bytes()),
    }
    field(input.text.as_bytes());
    h.finalize()
}

/// The cached AST for `key`, with spans in `file`, if there is a valid entry. An entry
/// is `MAGIC`, the key, a blake3 hash of the encoding and the encoding: parts of a large
/// file are decoded only when evaluated ([`ast_codec::decode_deferred`]), after the
/// point where a corrupt entry could still fall back to parsing, so the hash is checked
/// here. The subtrees are read from the pack again when decoded (packs never change).
pub fn load(dir: &Path, key: &blake3::Hash, file: FileId) -> Option<Expr> {
    let pack::Entry { bytes, pack, offset } = pack::get(dir, key.as_bytes())?;
    let rest = bytes
        .strip_prefix(MAGIC.as_slice())?
        .strip_prefix(key.as_bytes().as_slice())?;
    let (checksum, payload) = rest.split_first_chunk::<32>()?;
    if blake3::hash(payload).as_bytes() != checksum {
        return None;
    }
    let start = bytes.len() - payload.len();
    ast_codec::decode_deferred(&bytes, start, file, pack, offset)
}

/// Write an entry for `key` into this run's pack (complete when [`flush`] has run);
/// `names` are the file's names in the order its lowering interned them
/// ([`crate::intern_order`]), which a warm run interns them in.
/// Errors are ignored. The entry is encoded here (symbol names live in this thread's
/// interner) and written by a background thread.
pub fn store(dir: &Path, key: &blake3::Hash, expr: &Expr, names: &[crate::symbol::Symbol]) {
    let mut bytes = Vec::with_capacity(4096);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(key.as_bytes());
    let checksum_at = bytes.len();
    bytes.extend_from_slice(&[0; 32]);
    if ast_codec::encode(expr, names, &mut bytes).is_none() {
        return;
    }
    let checksum = blake3::hash(&bytes[checksum_at + 32..]);
    bytes[checksum_at..checksum_at + 32].copy_from_slice(checksum.as_bytes());
    let mut writer = WRITER.lock().unwrap_or_else(|e| e.into_inner());
    let writer = writer.get_or_insert_with(|| Writer::start(dir));
    writer.batch_bytes += bytes.len();
    writer.batch.push((*key.as_bytes(), bytes));
    if writer.batch.len() >= BATCH_ENTRIES || writer.batch_bytes >= BATCH_BYTES {
        writer.send_batch();
    }
}

/// Entries are handed to the writer thread in batches: one hand-off per entry (a wake-up
/// of the thread each) made a first run importing 10,000 small files twice as slow.
const BATCH_ENTRIES: usize = 64;
const BATCH_BYTES: usize = 1 << 20;

/// Wait until every entry handed to [`store`] is written and this run's pack is complete.
/// Call before the process exits (a run cut off leaves at most a temporary file, never a
/// bad pack).
pub fn flush() {
    let writer = WRITER.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some(mut writer) = writer {
        writer.send_batch();
        let Writer { queue, thread, .. } = writer;
        drop(queue);
        if let Some(thread) = thread {
            let _ = thread.join();
        }
    }
}

type Entry = (pack::Key, Vec<u8>);

struct Writer {
    queue: std::sync::mpsc::Sender<Vec<Entry>>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// Entries not handed to the thread yet, and their size.
    batch: Vec<Entry>,
    batch_bytes: usize,
}

static WRITER: std::sync::Mutex<Option<Writer>> = std::sync::Mutex::new(None);

impl Writer {
    /// One pack per run, in the cache directory of the run's first entry.
    fn start(dir: &Path) -> Writer {
        let (queue, batches) = std::sync::mpsc::channel::<Vec<Entry>>();
        let dir = dir.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("parse-cache-writer".into())
            .spawn(move || {
                let mut pack: Option<pack::PackWriter> = None;
                for (key, bytes) in batches.into_iter().flatten() {
                    let p = match pack.as_mut() {
                        Some(p) => p,
                        None => match pack::PackWriter::create(&dir) {
                            Ok(p) => pack.insert(p),
                            Err(_) => return,
                        },
                    };
                    if p.append(key, &bytes).is_err() {
                        if let Some(p) = pack.take() {
                            p.abandon();
                        }
                        return;
                    }
                }
                if let Some(p) = pack {
                    p.finish();
                }
            })
            .ok();
        Writer {
            queue,
            thread,
            batch: Vec::new(),
            batch_bytes: 0,
        }
    }

    fn send_batch(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        self.batch_bytes = 0;
        // A thread that could not be spawned or died: the entries are not cached.
        let _ = self.queue.send(std::mem::take(&mut self.batch));
    }
}
