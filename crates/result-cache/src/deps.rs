//! What an evaluation read, recorded so the next run can check it cheaply.
//!
//! Files carry stat data (size, mtime in ns, inode, mode) and a blake3 hash of their
//! contents: a file whose stat data is unchanged is taken as unchanged, any difference
//! re-hashes it, and so does a file modified in the same second as the recording (git's
//! "racily clean" entries: a second write within the mtime's granularity would not show).
//! Directories are listed again, trees are walked again. Paths below an immutable root
//! (the store, the fetcher cache's content-addressed trees) are never checked: their
//! contents cannot change under the same name.

use crate::codec::{Reader, Writer};
use std::collections::HashMap;
use std::fs::Metadata;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// One thing an evaluation looked at, as the evaluator's IO gate logged it (with
/// mounts already applied: these are real paths).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Read {
    /// A file's contents.
    File(PathBuf),
    /// A directory's listing.
    Dir(PathBuf),
    /// Whether a path exists and its type.
    Stat(PathBuf),
    /// A tree (or file) hashed or copied into the store, filters included.
    Tree(PathBuf),
    /// A fetched input, by its URL (`git+file:///x`, `path:/x?narHash=...`).
    Fetch(String),
    /// An environment variable.
    Env(String),
    /// The clock: such a result is never cached.
    Clock,
}

/// Stat data that, when unchanged, stands for unchanged contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Meta {
    pub kind: u8,
    pub mode: u32,
    pub size: u64,
    pub ino: u64,
    pub mtime: i64,
    pub mtime_ns: i64,
}

const KIND_FILE: u8 = 1;
const KIND_DIR: u8 = 2;
const KIND_LINK: u8 = 3;
const KIND_OTHER: u8 = 4;

impl Meta {
    fn of(m: &Metadata) -> Meta {
        let t = m.file_type();
        let kind = if t.is_symlink() {
            KIND_LINK
        } else if t.is_dir() {
            KIND_DIR
        } else if t.is_file() {
            KIND_FILE
        } else {
            KIND_OTHER
        };
        Meta {
            kind,
            mode: m.mode(),
            size: if kind == KIND_DIR { 0 } else { m.size() },
            ino: m.ino(),
            mtime: m.mtime(),
            mtime_ns: m.mtime_nsec(),
        }
    }

    fn write(&self, w: &mut Writer) {
        w.u8(self.kind);
        w.u64(u64::from(self.mode));
        w.u64(self.size);
        w.u64(self.ino);
        w.i64(self.mtime);
        w.i64(self.mtime_ns);
    }

    fn read(r: &mut Reader) -> Option<Meta> {
        Some(Meta {
            kind: r.u8()?,
            mode: u32::try_from(r.u64()?).ok()?,
            size: r.u64()?,
            ino: r.u64()?,
            mtime: r.i64()?,
            mtime_ns: r.i64()?,
        })
    }

    /// Nanoseconds since the epoch.
    fn mtime_total(&self) -> i128 {
        i128::from(self.mtime) * 1_000_000_000 + i128::from(self.mtime_ns)
    }
}

/// One entry of a walked tree: its path below the root, stat data and, for files and
/// symlinks, the hash of the contents or target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WalkEntry {
    pub rel: Vec<u8>,
    pub meta: Meta,
    pub hash: [u8; 32],
}

/// A recorded dependency and what it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dep {
    /// `meta: None`: the file could not be read (it did not exist).
    File {
        path: PathBuf,
        meta: Option<Meta>,
        hash: [u8; 32],
    },
    /// The hash of the sorted listing (names and types), `None` when unreadable.
    Dir {
        path: PathBuf,
        listing: Option<[u8; 32]>,
    },
    /// `lstat`'s and `stat`'s type (0: no such path).
    Stat {
        path: PathBuf,
        lstat: u8,
        stat: u8,
    },
    /// Every entry below `root` (in sorted order, `.git` left out when `skip_git`). With
    /// `mtimes`, each entry's modification time (seconds) must be the same too: a `path:`
    /// input's `lastModified` is the newest of them, so touching a file changes the result
    /// even when its contents stay the same.
    Walk {
        root: PathBuf,
        skip_git: bool,
        mtimes: bool,
        entries: Vec<WalkEntry>,
    },
    /// These entries below `root` and no others (a git work tree's tracked files: the
    /// index, a dependency too, says which).
    Listed {
        root: PathBuf,
        entries: Vec<WalkEntry>,
    },
    Env {
        name: String,
        value: Option<Vec<u8>>,
    },
}

/// Why a result cannot be cached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uncacheable(pub String);

/// How far a file's mtime may lag behind the clock (one kernel tick at 100 Hz).
const CLOCK_SLACK_NS: i128 = 10_000_000;

/// Turns reads into dependencies.
pub struct Recorder {
    /// Roots whose contents never change (the store, content-addressed caches).
    pub immutable: Vec<PathBuf>,
    /// When evaluation started (ns since the epoch): a file modified after it may have
    /// been read before the change, so such a result is not cached.
    pub started_ns: i128,
}

impl Recorder {
    fn immutable(&self, path: &Path) -> bool {
        self.immutable.iter().any(|root| path.starts_with(root))
    }

    fn check_time(&self, meta: &Meta, path: &Path) -> Result<(), Uncacheable> {
        // File times come from the kernel's coarse clock, up to a tick behind.
        if meta.mtime_total() >= self.started_ns - CLOCK_SLACK_NS {
            return Err(Uncacheable(format!("'{}' changed during evaluation", path.display())));
        }
        Ok(())
    }

    /// The dependencies of `reads`, each path once, or why there are none.
    pub fn record(&self, reads: &[Read]) -> Result<Vec<Dep>, Uncacheable> {
        let mut deps = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for read in reads {
            if !seen.insert(read.clone()) {
                continue;
            }
            match read {
                Read::Clock => return Err(Uncacheable("the clock was read (currentTime)".into())),
                Read::Env(name) => deps.push(Dep::Env {
                    name: name.clone(),
                    value: std::env::var_os(name).map(|v| v.as_bytes().to_vec()),
                }),
                Read::Stat(path) => deps.push(stat_dep(path)),
                Read::File(path) if !self.immutable(path) => deps.push(self.file_dep(path)?),
                Read::Dir(path) if !self.immutable(path) => deps.push(Dep::Dir {
                    path: path.clone(),
                    listing: listing(path),
                }),
                Read::Tree(path) if !self.immutable(path) => deps.push(self.walk_dep(path, false, false)?),
                Read::Fetch(url) => self.fetch_deps(url, &mut deps)?,
                Read::File(_) | Read::Dir(_) | Read::Tree(_) => {}
            }
        }
        Ok(deps)
    }

    fn file_dep(&self, path: &Path) -> Result<Dep, Uncacheable> {
        let Ok(meta) = std::fs::metadata(path).map(|m| Meta::of(&m)) else {
            return Ok(Dep::File {
                path: path.to_path_buf(),
                meta: None,
                hash: [0; 32],
            });
        };
        self.check_time(&meta, path)?;
        let hash = std::fs::read(path)
            .map(|b| *blake3::hash(&b).as_bytes())
            .unwrap_or([0; 32]);
        Ok(Dep::File {
            path: path.to_path_buf(),
            meta: Some(meta),
            hash,
        })
    }

    fn walk_dep(&self, root: &Path, skip_git: bool, mtimes: bool) -> Result<Dep, Uncacheable> {
        let mut entries = Vec::new();
        walk(root, skip_git, &mut |rel, meta, full| {
            entries.push(WalkEntry {
                rel: rel.to_vec(),
                meta: *meta,
                hash: content_hash(full, meta),
            });
        });
        for e in &entries {
            if e.meta.kind != KIND_DIR {
                self.check_time(&e.meta, root)?;
            }
        }
        Ok(Dep::Walk {
            root: root.to_path_buf(),
            skip_git,
            mtimes,
            entries,
        })
    }

    /// A fetched input depends on its source only when it is not locked to immutable
    /// contents: a git work tree without `rev` (HEAD, the index and every file, as the
    /// dirty check reads them), a `path:` without `narHash`, a local tarball or file.
    /// A `path:` input locked by `narHash` is trusted to be what its lock says (Nix would
    /// refuse a mismatch); the files evaluation reads in it are recorded one by one.
    fn fetch_deps(&self, url: &str, deps: &mut Vec<Dep>) -> Result<(), Uncacheable> {
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let has = |key: &str| query.split('&').any(|kv| kv.split('=').next() == Some(key));
        // `file:///abs` and `file:/abs` alike (`rnix_eval_fetch::local_file_path`).
        let local = |scheme: &str| base.strip_prefix(scheme).and_then(rnix_eval_fetch::local_file_path);
        if let Some(root) = local("git+") {
            if !has("rev") {
                self.git_deps(Path::new(root), deps)?;
            }
        } else if let Some(path) = base.strip_prefix("path:") {
            let path = Path::new(path);
            if !has("narHash") && !self.immutable(path) {
                deps.push(self.walk_dep(path, false, true)?);
            }
        } else if let Some(file) = ["", "tarball+", "file+"].into_iter().find_map(local) {
            deps.push(self.file_dep(Path::new(file))?);
        }
        Ok(())
    }
}

impl Recorder {
    /// A git work tree as the fetcher reads it: `HEAD`, the index, the refs, and the
    /// tracked files (untracked and ignored files are no part of it). Without a
    /// readable repository, the whole tree.
    fn git_deps(&self, root: &Path, deps: &mut Vec<Dep>) -> Result<(), Uncacheable> {
        let Ok(repo) = git2::Repository::open(root) else {
            deps.push(self.walk_dep(root, true, false)?);
            return Ok(());
        };
        let (gitdir, common) = (repo.path().to_path_buf(), repo.commondir().to_path_buf());
        for file in [gitdir.join("HEAD"), gitdir.join("index"), common.join("packed-refs")] {
            deps.push(self.file_dep(&file)?);
        }
        deps.push(self.walk_dep(&common.join("refs"), false, false)?);
        let Ok(index) = repo.index() else {
            deps.push(self.walk_dep(root, true, false)?);
            return Ok(());
        };
        let mut entries = Vec::new();
        for e in index.iter() {
            // Submodules (gitlinks) are not part of the tree Nix fetches.
            if e.mode == 0o160000 {
                continue;
            }
            let full = root.join(std::ffi::OsStr::from_bytes(&e.path));
            let Ok(meta) = std::fs::symlink_metadata(&full).map(|m| Meta::of(&m)) else {
                // Deleted but still tracked: it must stay absent.
                entries.push(WalkEntry {
                    rel: e.path.clone(),
                    meta: ABSENT,
                    hash: [0; 32],
                });
                continue;
            };
            self.check_time(&meta, &full)?;
            entries.push(WalkEntry {
                rel: e.path.clone(),
                meta,
                hash: content_hash(&full, &meta),
            });
        }
        deps.push(Dep::Listed {
            root: root.to_path_buf(),
            entries,
        });
        Ok(())
    }
}

/// A listed entry that did not exist.
const ABSENT: Meta = Meta {
    kind: 0,
    mode: 0,
    size: 0,
    ino: 0,
    mtime: 0,
    mtime_ns: 0,
};

fn kind_code(m: std::io::Result<Metadata>) -> u8 {
    m.map_or(0, |m| Meta::of(&m).kind)
}

fn stat_dep(path: &Path) -> Dep {
    Dep::Stat {
        path: path.to_path_buf(),
        lstat: kind_code(std::fs::symlink_metadata(path)),
        stat: kind_code(std::fs::metadata(path)),
    }
}

fn listing(path: &Path) -> Option<[u8; 32]> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(path).ok()? {
        let entry = entry.ok()?;
        let kind = entry.file_type().ok()?;
        let code = if kind.is_symlink() {
            KIND_LINK
        } else if kind.is_dir() {
            KIND_DIR
        } else if kind.is_file() {
            KIND_FILE
        } else {
            KIND_OTHER
        };
        names.push((entry.file_name().as_bytes().to_vec(), code));
    }
    names.sort();
    let mut h = blake3::Hasher::new();
    for (name, code) in names {
        h.update(&(name.len() as u64).to_le_bytes());
        h.update(&name);
        h.update(&[code]);
    }
    Some(*h.finalize().as_bytes())
}

fn content_hash(path: &Path, meta: &Meta) -> [u8; 32] {
    let bytes = match meta.kind {
        KIND_FILE => std::fs::read(path).ok(),
        KIND_LINK => std::fs::read_link(path).ok().map(|t| t.as_os_str().as_bytes().to_vec()),
        _ => None,
    };
    bytes.map_or([0; 32], |b| *blake3::hash(&b).as_bytes())
}

/// Depth first, names sorted, symlinks not followed; `f(rel, meta, full path)`. The
/// root itself is the entry with an empty `rel` (a tree may be a single file).
fn walk(root: &Path, skip_git: bool, f: &mut dyn FnMut(&[u8], &Meta, &Path)) {
    let Ok(meta) = std::fs::symlink_metadata(root) else {
        return;
    };
    let meta = Meta::of(&meta);
    f(b"", &meta, root);
    if meta.kind == KIND_DIR {
        walk_dir(root, &mut Vec::new(), skip_git, f);
    }
}

fn walk_dir(dir: &Path, rel: &mut Vec<u8>, skip_git: bool, f: &mut dyn FnMut(&[u8], &Meta, &Path)) {
    let Ok(read) = std::fs::read_dir(dir) else { return };
    let mut names: Vec<_> = read.filter_map(|e| e.ok().map(|e| e.file_name())).collect();
    names.sort();
    for name in names {
        if skip_git && rel.is_empty() && name == ".git" {
            continue;
        }
        let full = dir.join(&name);
        let Ok(meta) = std::fs::symlink_metadata(&full) else {
            continue;
        };
        let meta = Meta::of(&meta);
        let len = rel.len();
        rel.push(b'/');
        rel.extend_from_slice(name.as_bytes());
        f(rel, &meta, &full);
        if meta.kind == KIND_DIR {
            walk_dir(&full, rel, false, f);
        }
        rel.truncate(len);
    }
}

/// Checks dependencies, each at most once per process (many `--eval-jobs` entries share
/// them).
#[derive(Default)]
pub struct Validator {
    memo: HashMap<Vec<u8>, Result<(), String>>,
}

impl Validator {
    /// `Ok` when every dependency is as recorded, else what changed.
    pub fn check(&mut self, deps: &[Dep], recorded_at: i64) -> Result<(), String> {
        for dep in deps {
            let mut w = Writer::default();
            write_dep(&mut w, dep);
            w.i64(recorded_at);
            if let Some(done) = self.memo.get(&w.buf) {
                done.clone()?;
                continue;
            }
            let result = check_dep(dep, recorded_at);
            self.memo.insert(w.buf, result.clone());
            result?;
        }
        Ok(())
    }
}

/// A file whose mtime is not clearly before the recording may have changed again within
/// the same timestamp: its contents are compared, never its stat data alone.
fn racy(meta: &Meta, recorded_at: i64) -> bool {
    meta.mtime + 1 >= recorded_at
}

fn same_contents(path: &Path, old: &Meta, hash: &[u8; 32], recorded_at: i64) -> bool {
    let Ok(now) = std::fs::symlink_metadata(path).map(|m| Meta::of(&m)) else {
        return false;
    };
    if now.kind != old.kind || now.size != old.size || now.mode != old.mode {
        return false;
    }
    if now == *old && !racy(old, recorded_at) {
        return true;
    }
    content_hash(path, &now) == *hash
}

fn check_dep(dep: &Dep, recorded_at: i64) -> Result<(), String> {
    let changed = |what: &str, path: &Path| Err(format!("{what} '{}' changed", path.display()));
    match dep {
        Dep::File { path, meta: None, .. } => {
            if std::fs::metadata(path).is_ok() {
                return changed("file", path);
            }
        }
        Dep::File {
            path,
            meta: Some(meta),
            hash,
        } => {
            // `read` follows symlinks: compare what it reads.
            let Ok(now) = std::fs::metadata(path).map(|m| Meta::of(&m)) else {
                return changed("file", path);
            };
            let same = if now == *meta && !racy(meta, recorded_at) {
                true
            } else {
                now.size == meta.size && std::fs::read(path).is_ok_and(|b| blake3::hash(&b).as_bytes() == hash)
            };
            if !same {
                return changed("file", path);
            }
        }
        Dep::Dir { path, listing: old } => {
            if listing(path) != *old {
                return changed("directory", path);
            }
        }
        Dep::Stat { path, .. } => {
            if stat_dep(path) != *dep {
                return changed("path", path);
            }
        }
        Dep::Walk {
            root,
            skip_git,
            mtimes,
            entries,
        } => {
            let mut i = 0;
            let mut ok = true;
            walk(root, *skip_git, &mut |rel, meta, full| {
                if !ok {
                    return;
                }
                match entries.get(i) {
                    Some(e)
                        if e.rel == rel
                            && (!mtimes || e.meta.mtime == meta.mtime)
                            && same_contents(full, &e.meta, &e.hash, recorded_at) =>
                    {
                        i += 1
                    }
                    _ => ok = false,
                }
            });
            if !ok || i != entries.len() {
                return changed("tree", root);
            }
        }
        Dep::Listed { root, entries } => {
            for e in entries {
                let full = root.join(std::ffi::OsStr::from_bytes(&e.rel));
                let same = if e.meta == ABSENT {
                    std::fs::symlink_metadata(&full).is_err()
                } else {
                    same_contents(&full, &e.meta, &e.hash, recorded_at)
                };
                if !same {
                    return changed("file", &full);
                }
            }
        }
        Dep::Env { name, value } => {
            if std::env::var_os(name).map(|v| v.as_bytes().to_vec()) != *value {
                return Err(format!("environment variable '{name}' changed"));
            }
        }
    }
    Ok(())
}

fn path_bytes(p: &Path) -> &[u8] {
    p.as_os_str().as_bytes()
}

fn read_path(r: &mut Reader) -> Option<PathBuf> {
    Some(PathBuf::from(std::ffi::OsStr::from_bytes(r.bytes()?)))
}

fn hash32(r: &mut Reader) -> Option<[u8; 32]> {
    let mut h = [0; 32];
    for b in &mut h {
        *b = r.u8()?;
    }
    Some(h)
}

fn write_entries(w: &mut Writer, entries: &[WalkEntry]) {
    w.u64(entries.len() as u64);
    for e in entries {
        w.bytes(&e.rel);
        e.meta.write(w);
        w.buf.extend_from_slice(&e.hash);
    }
}

fn read_entries(r: &mut Reader) -> Option<Vec<WalkEntry>> {
    let n = r.count(8 + 41 + 32)?;
    let mut entries = Vec::with_capacity(n);
    for _ in 0..n {
        entries.push(WalkEntry {
            rel: r.bytes()?.to_vec(),
            meta: Meta::read(r)?,
            hash: hash32(r)?,
        });
    }
    Some(entries)
}

pub(crate) fn write_dep(w: &mut Writer, dep: &Dep) {
    match dep {
        Dep::File { path, meta, hash } => {
            w.u8(0);
            w.bytes(path_bytes(path));
            match meta {
                None => w.u8(0),
                Some(m) => {
                    w.u8(1);
                    m.write(w);
                }
            }
            w.buf.extend_from_slice(hash);
        }
        Dep::Dir { path, listing } => {
            w.u8(1);
            w.bytes(path_bytes(path));
            w.opt_bytes(listing.as_ref().map(|h| h.as_slice()));
        }
        Dep::Stat { path, lstat, stat } => {
            w.u8(2);
            w.bytes(path_bytes(path));
            w.u8(*lstat);
            w.u8(*stat);
        }
        Dep::Walk {
            root,
            skip_git,
            mtimes,
            entries,
        } => {
            w.u8(3);
            w.bytes(path_bytes(root));
            w.u8(u8::from(*skip_git) | u8::from(*mtimes) << 1);
            write_entries(w, entries);
        }
        Dep::Listed { root, entries } => {
            w.u8(5);
            w.bytes(path_bytes(root));
            write_entries(w, entries);
        }
        Dep::Env { name, value } => {
            w.u8(4);
            w.str(name);
            w.opt_bytes(value.as_deref());
        }
    }
}

pub(crate) fn read_dep(r: &mut Reader) -> Option<Dep> {
    Some(match r.u8()? {
        0 => {
            let path = read_path(r)?;
            let meta = match r.u8()? {
                0 => None,
                1 => Some(Meta::read(r)?),
                _ => return None,
            };
            Dep::File {
                path,
                meta,
                hash: hash32(r)?,
            }
        }
        1 => {
            let path = read_path(r)?;
            let listing = match r.opt_bytes()? {
                None => None,
                Some(b) => Some(b.try_into().ok()?),
            };
            Dep::Dir { path, listing }
        }
        2 => Dep::Stat {
            path: read_path(r)?,
            lstat: r.u8()?,
            stat: r.u8()?,
        },
        3 => {
            let root = read_path(r)?;
            let flags = r.u8()?;
            Dep::Walk {
                root,
                skip_git: flags & 1 != 0,
                mtimes: flags & 2 != 0,
                entries: read_entries(r)?,
            }
        }
        5 => Dep::Listed {
            root: read_path(r)?,
            entries: read_entries(r)?,
        },
        4 => Dep::Env {
            name: r.string()?,
            value: r.opt_bytes()?.map(<[u8]>::to_vec),
        },
        _ => return None,
    })
}
