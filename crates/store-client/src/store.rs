//! The store as the evaluator sees it: a [`Store`] trait with what evaluation writes and
//! builds, a [`DaemonStore`] that does it through a nix-daemon, and a [`ReadOnlyStore`] that
//! only computes the paths (`--read-only`, `nix-instantiate --readonly-mode`).
//!
//! Both compute the same paths: the daemon's answers are checked against Nix's, and the
//! read-only store uses the same functions ([`crate::store_path`], [`nar`]).

use std::collections::{BTreeSet, HashSet};
use std::convert::Infallible;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::daemon::{
    daemon_socket_path, AddPayload, BuildMode, BuildResult, ConnectOptions, Connection, DerivedPath, LogCallback,
    LogEvent, StoreError,
};
use crate::hash::{Hash, HashAlgo, Hasher};
use crate::nar::{self, FileKind, NarError, NarIoError};
use crate::store_path::{self, FileIngestionMethod};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A build target: a derivation path and the outputs wanted (empty: all of them).
pub type BuildTarget = (String, Vec<String>);

/// What the evaluator needs from a store.
pub trait Store {
    /// The store directory paths are made in (`/nix/store`).
    fn store_dir(&self) -> &str;

    /// Whether `path` (a store path) is valid in the store.
    fn is_valid_path(&mut self, path: &str) -> Result<bool>;

    /// Adds a text file with references (`builtins.toFile`, .drv files); returns its path.
    fn add_text(&mut self, name: &str, contents: &[u8], references: &BTreeSet<String>) -> Result<String>;

    /// Adds a local file or tree (`"${./src}"`, `builtins.path`, `filterSource`), leaving out
    /// the `excluded` entries and everything below them; returns its path. Recursive: the
    /// NAR's SHA-256 (a `source` path). Flat: the file's SHA-256 (the path must be a file).
    fn add_source(&mut self, name: &str, local_path: &Path, recursive: bool, excluded: &[PathBuf]) -> Result<String>;

    /// Keeps `path` from being garbage collected while the store is open.
    fn add_temp_root(&mut self, path: &str) -> Result<()>;

    /// Builds the targets (normal mode); a failed build is an error with the daemon's
    /// message ([`StoreError::BuildFailed`], or [`StoreError::Daemon`] from daemons older
    /// than protocol 1.34).
    fn build(&mut self, targets: &[BuildTarget]) -> Result<Vec<BuildResult>>;
}

fn check_name(name: &str) -> Result<()> {
    store_path::check_name(name, name).map_err(|e| StoreError::Invalid(e.to_string()))
}

fn excluded_filter(excluded: &[PathBuf]) -> impl FnMut(&Path, FileKind) -> std::result::Result<bool, Infallible> {
    let set: HashSet<PathBuf> = excluded.iter().cloned().collect();
    move |p: &Path, _| Ok(!set.contains(p))
}

fn stat(path: &Path, follow: bool) -> Result<fs::Metadata> {
    let r = if follow {
        fs::metadata(path)
    } else {
        fs::symlink_metadata(path)
    };
    r.map_err(|source| {
        StoreError::Source(NarIoError::Read {
            what: "getting status of",
            path: path.to_path_buf(),
            source,
        })
    })
}

/// Opens the file to add flat, checking it is a regular file; returns it and its size.
fn open_flat(path: &Path) -> Result<(File, u64)> {
    let meta = stat(path, true)?;
    if !meta.is_file() {
        return Err(StoreError::Invalid(format!(
            "'{}' is not a regular file (a flat source must be one)",
            path.display()
        )));
    }
    let file = File::open(path).map_err(|source| {
        StoreError::Source(NarIoError::Read {
            what: "opening file",
            path: path.to_path_buf(),
            source,
        })
    })?;
    Ok((file, meta.len()))
}

/// Copies exactly `len` bytes of `file` (at `path`) into `w`.
fn copy_exact(file: &mut File, path: &Path, len: u64, w: &mut dyn Write) -> std::result::Result<(), NarIoError> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut left = len;
    while left > 0 {
        let want = (buf.len() as u64).min(left) as usize;
        let n = match file.read(&mut buf[..want]) {
            Ok(0) => return Err(NarIoError::Truncated(path.to_path_buf())),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(source) => {
                return Err(NarIoError::Read {
                    what: "reading file",
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        w.write_all(&buf[..n]).map_err(NarIoError::Write)?;
        left -= n as u64;
    }
    Ok(())
}

/// The path `add_text` gives, checked like Nix (`store path '…' contains illegal character`).
pub fn text_path(store_dir: &str, name: &str, contents: &[u8], references: &BTreeSet<String>) -> Result<String> {
    let hash = Hash::digest(HashAlgo::Sha256, contents);
    let path = store_path::make_text_path(store_dir, name, &hash, references.iter().map(String::as_str));
    store_path::check_store_path_name(store_dir, &path).map_err(|e| StoreError::Invalid(e.to_string()))?;
    Ok(path)
}

/// The path `add_source` gives, computed without a store.
pub fn source_path(
    store_dir: &str,
    name: &str,
    local_path: &Path,
    recursive: bool,
    excluded: &[PathBuf],
) -> Result<String> {
    let (method, hash) = if recursive {
        stat(local_path, false)?;
        let (hash, _) = nar::hash_path(local_path, HashAlgo::Sha256, &mut excluded_filter(excluded))
            .map_err(|e| StoreError::Source(NarError::into_io(e)))?;
        (FileIngestionMethod::Recursive, hash)
    } else {
        let (mut file, len) = open_flat(local_path)?;
        let mut hasher = Hasher::new(HashAlgo::Sha256);
        copy_exact(&mut file, local_path, len, &mut hasher).map_err(StoreError::Source)?;
        (FileIngestionMethod::Flat, hasher.finish())
    };
    let path = store_path::make_fixed_output_path(store_dir, name, method, &hash, []);
    store_path::check_store_path_name(store_dir, &path).map_err(|e| StoreError::Invalid(e.to_string()))?;
    Ok(path)
}

/// A store that computes paths and writes nothing: nothing is valid, nothing can be built.
#[derive(Clone, Debug)]
pub struct ReadOnlyStore {
    store_dir: String,
}

impl Default for ReadOnlyStore {
    fn default() -> Self {
        ReadOnlyStore::new("/nix/store")
    }
}

impl ReadOnlyStore {
    pub fn new(store_dir: &str) -> ReadOnlyStore {
        ReadOnlyStore {
            store_dir: store_dir.to_string(),
        }
    }
}

impl Store for ReadOnlyStore {
    fn store_dir(&self) -> &str {
        &self.store_dir
    }

    fn is_valid_path(&mut self, _path: &str) -> Result<bool> {
        Ok(false)
    }

    fn add_text(&mut self, name: &str, contents: &[u8], references: &BTreeSet<String>) -> Result<String> {
        text_path(&self.store_dir, name, contents, references)
    }

    fn add_source(&mut self, name: &str, local_path: &Path, recursive: bool, excluded: &[PathBuf]) -> Result<String> {
        source_path(&self.store_dir, name, local_path, recursive, excluded)
    }

    fn add_temp_root(&mut self, _path: &str) -> Result<()> {
        Ok(())
    }

    fn build(&mut self, targets: &[BuildTarget]) -> Result<Vec<BuildResult>> {
        let what = match targets {
            [(drv, _)] => format!("'{drv}'"),
            _ => format!("{} derivations", targets.len()),
        };
        Err(StoreError::ReadOnly(format!(
            "cannot build {what}: the store is read-only"
        )))
    }
}

/// A store behind a nix-daemon. It owns one connection and opens a new one when the
/// previous broke (the daemon restarted, an operation was cut short).
pub struct DaemonStore {
    socket: PathBuf,
    options: ConnectOptions,
    logger: Arc<Mutex<LogCallback>>,
    conn: Option<Connection>,
    /// Paths this store added, built or rooted: the daemon keeps them as temporary roots
    /// of the connection, so a new connection roots them again.
    temp_roots: BTreeSet<String>,
}

impl DaemonStore {
    /// Connects to the daemon at `socket` now, so a missing daemon is reported at once.
    pub fn connect(socket: &Path, options: ConnectOptions) -> Result<DaemonStore> {
        let mut store = DaemonStore {
            socket: socket.to_path_buf(),
            options,
            logger: Arc::new(Mutex::new(Box::new(|_: &LogEvent| {}))),
            conn: None,
            temp_roots: BTreeSet::new(),
        };
        store.connection()?;
        Ok(store)
    }

    /// Connects to the daemon a store URI names (see [`daemon_socket_path`]).
    pub fn open(store_uri: Option<&str>, options: ConnectOptions) -> Result<DaemonStore> {
        DaemonStore::connect(&daemon_socket_path(store_uri)?, options)
    }

    /// Where log events go from now on (this and later connections).
    pub fn set_logger(&mut self, logger: LogCallback) {
        if let Ok(mut l) = self.logger.lock() {
            *l = logger;
        }
    }

    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// The connection, reopened if the last one broke (re-adding the temporary roots the
    /// old one held).
    pub fn connection(&mut self) -> Result<&mut Connection> {
        if self.conn.as_ref().is_some_and(|c| c.broken().is_some()) {
            self.conn = None;
        }
        if self.conn.is_none() {
            let shared = self.logger.clone();
            let forward: LogCallback = Box::new(move |e: &LogEvent| {
                if let Ok(mut l) = shared.lock() {
                    l(e)
                }
            });
            let mut conn = Connection::connect_with_logger(&self.socket, &self.options, forward)?;
            for path in &self.temp_roots {
                conn.add_temp_root(path)?;
            }
            self.conn = Some(conn);
        }
        Ok(self.conn.as_mut().expect("connected above"))
    }

    /// Roots `paths` and returns those already valid, in one round trip
    /// ([`Connection::add_temp_roots_and_query_valid`]).
    pub fn root_and_query_valid(&mut self, paths: &[&str]) -> Result<BTreeSet<String>> {
        let valid = self.connection()?.add_temp_roots_and_query_valid(paths)?;
        self.temp_roots.extend(paths.iter().map(|p| p.to_string()));
        Ok(valid)
    }

    /// Adds texts in one round trip ([`Connection::add_texts_to_store`]); returns their
    /// paths.
    pub fn add_texts(&mut self, texts: &[(&str, &[u8], &BTreeSet<String>)]) -> Result<Vec<String>> {
        texts.iter().try_for_each(|(name, _, _)| check_name(name))?;
        let made = self.connection()?.add_texts_to_store(texts)?;
        self.temp_roots.extend(made.iter().cloned());
        Ok(made)
    }

    fn rooted(&mut self, path: String) -> String {
        self.temp_roots.insert(path.clone());
        path
    }
}

impl Store for DaemonStore {
    fn store_dir(&self) -> &str {
        &self.options.store_dir
    }

    fn is_valid_path(&mut self, path: &str) -> Result<bool> {
        self.connection()?.is_valid_path(path)
    }

    fn add_text(&mut self, name: &str, contents: &[u8], references: &BTreeSet<String>) -> Result<String> {
        check_name(name)?;
        let path = self.connection()?.add_text_to_store(name, contents, references)?;
        Ok(self.rooted(path))
    }

    fn add_source(&mut self, name: &str, local_path: &Path, recursive: bool, excluded: &[PathBuf]) -> Result<String> {
        check_name(name)?;
        let none = BTreeSet::new();
        let path = if recursive {
            stat(local_path, false)?;
            let mut filter = excluded_filter(excluded);
            let mut write =
                |w: &mut dyn Write| nar::dump_path_filtered(local_path, w, &mut filter).map_err(NarError::into_io);
            let conn = self.connection()?;
            conn.add_to_store(name, HashAlgo::Sha256, &none, false, AddPayload::Nar(&mut write))
        } else {
            let (mut file, len) = open_flat(local_path)?;
            let mut write = |w: &mut dyn Write| copy_exact(&mut file, local_path, len, w);
            let conn = self.connection()?;
            conn.add_to_store(
                name,
                HashAlgo::Sha256,
                &none,
                false,
                AddPayload::Flat { len, write: &mut write },
            )
        }?;
        Ok(self.rooted(path))
    }

    fn add_temp_root(&mut self, path: &str) -> Result<()> {
        self.connection()?.add_temp_root(path)?;
        self.rooted(path.to_string());
        Ok(())
    }

    fn build(&mut self, targets: &[BuildTarget]) -> Result<Vec<BuildResult>> {
        let derived: Vec<DerivedPath> = targets
            .iter()
            .map(|(drv, outputs)| DerivedPath::built(drv, outputs))
            .collect();
        let results = self
            .connection()?
            .build_paths_with_results(&derived, BuildMode::Normal)?;
        if let Some(failed) = results.iter().find(|r| !r.is_success()) {
            let message = if failed.error_msg.is_empty() {
                format!("build of '{}' failed ({:?})", failed.target, failed.status)
            } else {
                failed.error_msg.clone()
            };
            return Err(StoreError::BuildFailed {
                target: failed.target.to_string(),
                status: failed.status,
                message,
            });
        }
        for r in &results {
            self.temp_roots.extend(r.built_outputs.values().cloned());
        }
        Ok(results)
    }
}

/// The store for a `--store` URI (or `$NIX_REMOTE`): a [`ReadOnlyStore`] if `read_only`,
/// else a [`DaemonStore`].
pub fn open_store(store_uri: Option<&str>, read_only: bool, options: ConnectOptions) -> Result<Box<dyn Store + Send>> {
    if read_only {
        Ok(Box::new(ReadOnlyStore::new(&options.store_dir)))
    } else {
        Ok(Box::new(DaemonStore::open(store_uri, options)?))
    }
}
