//! Every file, directory, environment and clock access of evaluation goes through [`Io`].
//!
//! One gate, so that each consumer plugs in at one place: pure and restricted evaluation
//! refuse what is outside the allowed roots ([`Mode`]); fetched trees that are not (yet)
//! in the store are *mounted* at their store paths, so `import "${self}/x.nix"` reads the
//! fetcher's copy in `--read-only` mode exactly as Nix reads the store; the access log
//! ([`Io::log`]) tells a result cache what an evaluation depended on; and a
//! [`FileSystem`] other than the real one (a language server's unsaved buffers) can stand
//! behind it. Nothing else in the evaluator calls `std::fs` or `std::env` for user data.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};

/// The type of a directory entry or path, as `readDir` and `readFileType` name them
/// (the NAR writer's, whose filters see the same names).
pub use rnix_eval_store::nar::FileKind;

/// Where file contents come from. Paths given to it are real (mounts already applied).
pub trait FileSystem {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// Entries without `.` and `..`, with the type of the entry itself (no symlink
    /// followed), in directory order.
    fn read_dir(&self, path: &Path) -> io::Result<Vec<(String, FileKind)>>;
    /// `lstat`.
    fn lstat(&self, path: &Path) -> io::Result<FileKind>;
    /// `stat` (symlinks followed).
    fn stat(&self, path: &Path) -> io::Result<FileKind>;
    /// The target of a symbolic link, as written in it.
    fn read_link(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::read_link(path)
    }
}

/// The machine's file system.
pub struct RealFs;

impl FileSystem for RealFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<(String, FileKind)>> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(path)? {
            let entry = entry?;
            let kind = FileKind::of(entry.file_type()?);
            out.push((entry.file_name().to_string_lossy().into_owned(), kind));
        }
        Ok(out)
    }

    fn lstat(&self, path: &Path) -> io::Result<FileKind> {
        std::fs::symlink_metadata(path).map(|m| FileKind::of(m.file_type()))
    }

    fn stat(&self, path: &Path) -> io::Result<FileKind> {
        std::fs::metadata(path).map(|m| FileKind::of(m.file_type()))
    }
}

/// How much of the machine evaluation may see.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Everything (`nix-instantiate`'s default, `--impure`).
    #[default]
    Impure,
    /// `--pure-eval` (the default for flakes): only allowed roots, no environment, no
    /// clock, no search path.
    Pure,
    /// `--restrict-eval`: only allowed roots and the search path's entries.
    Restricted,
}

/// One thing evaluation looked at, for a result cache.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Access {
    /// A file's contents were read (`import`, `readFile`, `hashFile`).
    File(String),
    /// A directory was listed.
    Dir(String),
    /// A path's existence or type was checked.
    Stat(String),
    /// A tree was hashed or copied into the store.
    Tree(String),
    /// An input was fetched (its URL, before locking): fetchers read outside the gate,
    /// so a result cache must know which sources they looked at.
    Fetch(String),
    /// An environment variable was read.
    Env(String),
    /// The clock was read (`currentTime`): such a result is never cacheable.
    Time,
}

/// Why an access failed: refused by the mode, or the system's error.
#[derive(Debug)]
pub enum IoError {
    Denied(String),
    Sys(io::Error),
}

impl From<io::Error> for IoError {
    fn from(e: io::Error) -> Self {
        IoError::Sys(e)
    }
}

pub struct Io {
    fs: Box<dyn FileSystem>,
    pub mode: Mode,
    /// Roots pure and restricted evaluation may read below (flake sources, inputs, `-I`).
    /// Allowed roots, without a trailing slash (`/` is the empty string). A set: `toFile`
    /// allows every path it makes, and a list searched on each allow and each read made
    /// 80,000 of them quadratic (70x Nix's time).
    allowed: rustc_hash::FxHashSet<String>,
    /// Store path -> local directory holding exactly its contents.
    mounts: BTreeMap<String, PathBuf>,
    /// Store path -> the local Git work tree its files were taken from (see
    /// [`Io::missing_path`]).
    work_trees: BTreeMap<String, PathBuf>,
    store_dir: String,
    /// Every access, in order, when recording (`None`: not recording).
    pub log: Option<Vec<Access>>,
    /// Folders [`Io::follow_links`] found to be folders, not links: each is looked at once.
    plain_dirs: std::cell::RefCell<rustc_hash::FxHashSet<String>>,
}

/// Symlinks followed in one path before it is an error (Linux's `MAXSYMLINKS`).
const MAX_LINKS: usize = 40;

/// `path` with each symlink among its components replaced by its target, `..` applied as
/// it comes (Nix's `canonPath(path, true)`, `SourceAccessor::resolveSymlinks`):
/// `link_target` gives the target of the path so far if it is a link (`None`: not a link,
/// or unknown, and the walk goes on); the last component is looked at only when
/// `follow_last`. `None` past [`MAX_LINKS`] links (a cycle).
pub fn follow_symlinks(
    path: &str,
    follow_last: bool,
    mut link_target: impl FnMut(&str) -> Option<String>,
) -> Option<String> {
    let mut todo: std::collections::VecDeque<String> = path.split('/').map(String::from).collect();
    let mut done = String::new();
    let mut links = 0;
    while let Some(part) = todo.pop_front() {
        match part.as_str() {
            "" | "." => continue,
            ".." => {
                done.truncate(done.rfind('/').unwrap_or(0));
                continue;
            }
            _ => {}
        }
        done.push('/');
        done.push_str(&part);
        if !follow_last && todo.iter().all(|p| p.is_empty() || p == ".") {
            continue;
        }
        let Some(target) = link_target(&done) else { continue };
        links += 1;
        if links > MAX_LINKS {
            return None;
        }
        if target.starts_with('/') {
            done.clear();
        } else {
            done.truncate(done.rfind('/').unwrap_or(0));
        }
        for part in target.split('/').rev() {
            todo.push_front(part.to_string());
        }
    }
    if done.is_empty() {
        done.push('/');
    }
    Some(done)
}

impl Default for Io {
    fn default() -> Self {
        Io::new(Box::new(RealFs), Mode::Impure, crate::store_dir())
    }
}

impl Io {
    pub fn new(fs: Box<dyn FileSystem>, mode: Mode, store_dir: String) -> Io {
        Io {
            fs,
            mode,
            allowed: Default::default(),
            mounts: BTreeMap::new(),
            work_trees: BTreeMap::new(),
            store_dir,
            log: None,
            plain_dirs: Default::default(),
        }
    }

    /// Let pure/restricted evaluation read `root` and everything below it.
    pub fn allow(&mut self, root: &str) {
        self.allowed.insert(root.trim_end_matches('/').to_string());
    }

    /// Serve `store_path` (a top-level store path) from `local`, whose contents are the
    /// store path's; it is also allowed in pure mode.
    pub fn mount(&mut self, store_path: &str, local: PathBuf) {
        self.allow(store_path);
        if !Path::new(store_path).exists() {
            // Error messages read a file's lines again from where it is.
            rnix_eval_parser::source::mount(store_path, &local);
            self.mounts.insert(store_path.to_string(), local);
        }
    }

    /// Note that `store_path` holds the tracked files of the Git work tree `root`.
    pub fn note_work_tree(&mut self, store_path: &str, root: PathBuf) {
        self.work_trees.insert(store_path.to_string(), root);
    }

    /// The message for `path`, which does not exist. Below a store path taken from a
    /// local Git work tree, modern Nix's (`makeNotAllowedError`): a file that is in the
    /// work tree but that Git does not track is the commonest flake beginner's error,
    /// and the message says how to add it.
    pub fn missing_path(&self, path: &str) -> String {
        match self.in_work_tree(path) {
            Some((root, rel)) => self
                .untracked(root, rel)
                .unwrap_or_else(|| format!("Path '{rel}' does not exist in Git repository \"{}\".", root.display())),
            None => format!("path '{path}' does not exist"),
        }
    }

    /// Modern Nix's message for `path`, missing from its store path, when the Git work
    /// tree the store path was taken from has it untracked.
    pub fn untracked_message(&self, path: &str) -> Option<String> {
        let (root, rel) = self.in_work_tree(path)?;
        self.untracked(root, rel)
    }

    fn untracked(&self, root: &Path, rel: &str) -> Option<String> {
        self.fs.lstat(&root.join(rel)).ok()?;
        let repo = root.display();
        Some(format!(
            "Path '{rel}' in the repository \"{repo}\" is not tracked by Git.\n\nTo make it visible to Nix, run:\n\ngit -C \"{repo}\" add -N \"{rel}\""
        ))
    }

    /// The work tree a store path below which `path` is was taken from, and `path`
    /// relative to it.
    fn in_work_tree<'p>(&self, path: &'p str) -> Option<(&Path, &'p str)> {
        use std::ops::Bound;
        let below = (Bound::Unbounded, Bound::Included(path));
        let (store_path, root) = self.work_trees.range::<str, _>(below).next_back()?;
        let rel = path.strip_prefix(store_path.as_str())?.strip_prefix('/')?;
        Some((root.as_path(), rel))
    }

    /// The local directory behind a mounted store path, if it is mounted.
    pub fn mounted(&self, store_path: &str) -> Option<&Path> {
        self.mounts.get(store_path).map(PathBuf::as_path)
    }

    /// Log a fetch (`fetch_input`), whatever the mode allows evaluation to read.
    pub fn record_fetch(&mut self, url: String) {
        self.record(Access::Fetch(url));
    }

    fn record(&mut self, access: Access) {
        if let Some(log) = &mut self.log {
            log.push(access);
        }
    }

    /// Check `path` against the mode and apply mounts: the real path to access.
    pub fn resolve(&self, path: &str) -> Result<PathBuf, IoError> {
        self.resolve_following(path, true)
    }

    /// [`Io::resolve`]; `follow_last`: a symlink at the end is followed too (not for
    /// `lstat`, `readlink` or a tree copied as it is).
    ///
    /// Symlinks are followed here, in the paths evaluation sees, where the machine's own
    /// lookup would go wrong: below a mounted store path (a flake's source not copied into
    /// the store), a link leads where it leads from the store path, not from the local
    /// folder beside it; and in pure or restricted mode the path a link leads to must be
    /// allowed too (Nix's `checkSourcePath`: `canonPath(path, true)` checked again).
    fn resolve_following(&self, path: &str, follow_last: bool) -> Result<PathBuf, IoError> {
        let checked = self.mode != Mode::Impure;
        if checked && !self.is_allowed(path) {
            return Err(IoError::Denied(self.denial(path)));
        }
        let mounted = !self.mounts.is_empty() && path.starts_with(self.store_dir.as_str());
        if !checked && !mounted {
            return Ok(PathBuf::from(path));
        }
        let target = self.follow_links(path, follow_last)?;
        if checked && target != path && !self.is_allowed(&target) {
            return Err(IoError::Denied(self.denial(&target)));
        }
        Ok(self.translate(&target))
    }

    /// `path` with every symlink in it replaced by its target, looked up through the
    /// mounts (the last component only when `follow_last`). Components that do not exist
    /// are kept: the access itself then fails with the system's error.
    fn follow_links(&self, path: &str, follow_last: bool) -> Result<String, IoError> {
        follow_symlinks(path, follow_last, |here| {
            if self.plain_dirs.borrow().contains(here) {
                return None;
            }
            // A mounted store path is a folder, whatever the local folder's own path is
            // (a link to the flake, a home folder behind a link).
            if self.mounts.contains_key(here) {
                self.plain_dirs.borrow_mut().insert(here.to_string());
                return None;
            }
            let real = self.translate(here);
            match self.fs.lstat(&real) {
                Ok(FileKind::Symlink) => self.fs.read_link(&real).ok().map(|t| t.to_string_lossy().into_owned()),
                Ok(FileKind::Directory) => {
                    self.plain_dirs.borrow_mut().insert(here.to_string());
                    None
                }
                _ => None,
            }
        })
        .ok_or_else(|| IoError::Sys(io::Error::from_raw_os_error(libc::ELOOP)))
    }

    /// `path` is an allowed root or below one: the path itself, then each prefix that
    /// ends before a `/`, is looked up.
    fn is_allowed(&self, path: &str) -> bool {
        if self.allowed.is_empty() {
            return false;
        }
        self.allowed.contains(path)
            || path
                .bytes()
                .enumerate()
                .any(|(i, b)| b == b'/' && self.allowed.contains(&path[..i]))
    }

    /// Modern Nix's wording (`src/libexpr/eval.cc`, `checkSourcePath`/`rootPath`).
    fn denial(&self, path: &str) -> String {
        match self.mode {
            Mode::Restricted => format!("access to absolute path '{path}' is forbidden in restricted mode"),
            _ => format!(
                "access to absolute path '{path}' is forbidden in pure evaluation mode (use '--impure' to override)"
            ),
        }
    }

    /// Where a path's files really are (mounts applied), without the mode's check: for
    /// fetchers, which copy locked inputs whatever the evaluation may read.
    pub fn translate(&self, path: &str) -> PathBuf {
        if !self.mounts.is_empty() {
            if let Some(rest) = path
                .strip_prefix(self.store_dir.as_str())
                .and_then(|r| r.strip_prefix('/'))
            {
                let (base, tail) = rest.split_once('/').unwrap_or((rest, ""));
                let top = &path[..self.store_dir.len() + 1 + base.len()];
                if let Some(local) = self.mounts.get(top) {
                    return if tail.is_empty() {
                        local.clone()
                    } else {
                        local.join(tail)
                    };
                }
            }
        }
        PathBuf::from(path)
    }

    pub fn read_file(&mut self, path: &str) -> Result<Vec<u8>, IoError> {
        let real = self.resolve(path)?;
        self.record(Access::File(path.to_string()));
        Ok(self.fs.read(&real)?)
    }

    pub fn read_dir(&mut self, path: &str) -> Result<Vec<(String, FileKind)>, IoError> {
        let real = self.resolve(path)?;
        self.record(Access::Dir(path.to_string()));
        Ok(self.fs.read_dir(&real)?)
    }

    pub fn lstat(&mut self, path: &str) -> Result<FileKind, IoError> {
        let real = self.resolve_following(path, false)?;
        self.record(Access::Stat(path.to_string()));
        Ok(self.fs.lstat(&real)?)
    }

    /// The target of the symlink `path`, as written in it (`import` follows links).
    pub fn read_link(&mut self, path: &str) -> Result<String, IoError> {
        let real = self.resolve_following(path, false)?;
        self.record(Access::Stat(path.to_string()));
        Ok(self.fs.read_link(&real)?.to_string_lossy().into_owned())
    }

    pub fn stat(&mut self, path: &str) -> Result<FileKind, IoError> {
        let real = self.resolve(path)?;
        self.record(Access::Stat(path.to_string()));
        Ok(self.fs.stat(&real)?)
    }

    /// The real path of a tree to hash or copy (`"${./dir}"`, `builtins.path`,
    /// `filterSource`): NAR serialisation reads it directly.
    pub fn tree_path(&mut self, path: &str) -> Result<PathBuf, IoError> {
        let real = self.resolve_following(path, false)?;
        self.record(Access::Tree(path.to_string()));
        Ok(real)
    }

    /// `getEnv`: empty in pure and restricted mode, as in Nix.
    pub fn get_env(&mut self, name: &std::ffi::OsStr) -> OsString {
        if self.mode != Mode::Impure {
            return OsString::new();
        }
        self.record(Access::Env(name.to_string_lossy().into_owned()));
        std::env::var_os(name).unwrap_or_default()
    }

    /// Seconds since the epoch, or `None` in pure mode (where `currentTime` is not defined).
    pub fn current_time(&mut self) -> Option<i64> {
        if self.mode == Mode::Pure {
            return None;
        }
        self.record(Access::Time);
        Some(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pure_mode_refuses_paths_outside_allowed_roots() {
        let mut io = Io::new(Box::new(RealFs), Mode::Pure, "/nix/store".into());
        io.allow("/tmp/flake");
        assert!(io.resolve("/tmp/flake").is_ok());
        assert!(io.resolve("/tmp/flake/a.nix").is_ok());
        let Err(IoError::Denied(msg)) = io.resolve("/tmp/flakex/a.nix") else {
            panic!("allowed a sibling")
        };
        assert!(msg.contains("forbidden in pure evaluation mode"), "{msg}");
        assert!(io.get_env("HOME".as_ref()).is_empty());
        assert_eq!(io.current_time(), None);
    }

    #[test]
    fn mounts_serve_store_paths_from_local_copies() {
        let mut io = Io::new(Box::new(RealFs), Mode::Pure, "/nix/store".into());
        io.mount("/nix/store/00000000000000000000000000000000-source", "/tmp/copy".into());
        let p = io
            .resolve("/nix/store/00000000000000000000000000000000-source/a/b.nix")
            .unwrap();
        assert_eq!(p, PathBuf::from("/tmp/copy/a/b.nix"));
        assert!(io
            .resolve("/nix/store/00000000000000000000000000000000-sourcex")
            .is_err());
    }

    /// Links below a mounted store path lead where they lead from the store path: inside
    /// the tree they are followed, out of it they leave the store path, and an absolute
    /// one must be allowed in pure mode. The local folder may itself be reached by a link.
    #[test]
    fn links_below_a_mount_are_followed_from_the_store_path() {
        let dir = std::env::temp_dir().join(format!("rnix-io-links-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("tree/sub")).unwrap();
        std::fs::write(dir.join("tree/sub/f"), "x").unwrap();
        std::fs::write(dir.join("beside"), "secret").unwrap();
        std::os::unix::fs::symlink("sub/f", dir.join("tree/in")).unwrap();
        std::os::unix::fs::symlink("../beside", dir.join("tree/out")).unwrap();
        std::os::unix::fs::symlink(dir.join("beside"), dir.join("tree/abs")).unwrap();
        std::os::unix::fs::symlink(dir.join("tree"), dir.join("link-to-tree")).unwrap();
        let store_path = "/nix/store/00000000000000000000000000000000-source";
        let mut io = Io::new(Box::new(RealFs), Mode::Pure, "/nix/store".into());
        io.mount(store_path, dir.join("link-to-tree"));
        assert_eq!(io.read_file(&format!("{store_path}/in")).unwrap(), b"x");
        let out = io.read_file(&format!("{store_path}/out"));
        assert!(
            matches!(out, Err(IoError::Denied(ref m)) if m.contains("'/nix/store/beside'")),
            "{out:?}"
        );
        assert!(matches!(
            io.read_file(&format!("{store_path}/abs")),
            Err(IoError::Denied(_))
        ));
        assert_eq!(io.lstat(&format!("{store_path}/in")).unwrap(), FileKind::Symlink);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn recording_logs_each_access() {
        let mut io = Io {
            log: Some(Vec::new()),
            ..Io::default()
        };
        let _ = io.lstat("/");
        let _ = io.get_env("RNIX_EVAL_TEST_UNSET".as_ref());
        assert_eq!(
            io.log.unwrap(),
            vec![Access::Stat("/".into()), Access::Env("RNIX_EVAL_TEST_UNSET".into())]
        );
    }
}
