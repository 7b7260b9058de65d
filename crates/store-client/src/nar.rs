//! NAR ("Nix ARchive") serialisation, byte for byte as Nix's `dumpPath` (`src/libutil/archive.cc`).
//!
//! A NAR is the canonical form of a file system object: no timestamps, owners or permissions
//! except the user-executable bit, directory entries sorted by the bytes of their names. Its
//! SHA-256 is what `nix-hash` prints and what `source` store paths are made of. Every item is
//! a *string*: a little-endian u64 length, the bytes, then zero padding to a multiple of 8.
//!
//! ```text
//! "nix-archive-1" node
//! node  = "(" "type" ( "regular" ["executable" ""] "contents" <bytes>
//!                    | "symlink" "target" <target>
//!                    | "directory" ("entry" "(" "name" <name> "node" node ")")* ) ")"
//! ```
//!
//! The serialisation streams into any [`Write`]: file contents are copied in 64 KiB chunks and
//! only one directory listing per level is held, so trees of any size can be hashed. Writes are
//! small, so give it a buffered writer (a [`Hasher`] needs none).

use std::convert::Infallible;
use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::hash::{Hash, HashAlgo, Hasher};

/// The magic string at the start of every NAR.
pub const NAR_MAGIC: &str = "nix-archive-1";

const CHUNK: usize = 64 * 1024;

/// The kind of a file system object, as a path filter sees it (Nix's filterSource passes these
/// as "regular", "directory", "symlink", "unknown").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    Regular,
    Directory,
    Symlink,
    /// Sockets, fifos, devices: they cannot be archived, but a filter may drop them first.
    Unknown,
}

impl FileKind {
    /// The kind of a directory entry or `lstat` result.
    pub fn of(ft: fs::FileType) -> FileKind {
        if ft.is_file() {
            FileKind::Regular
        } else if ft.is_dir() {
            FileKind::Directory
        } else if ft.is_symlink() {
            FileKind::Symlink
        } else {
            FileKind::Unknown
        }
    }

    /// The name Nix's `builtins.filterSource`/`builtins.path` filter receives.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Regular => "regular",
            FileKind::Directory => "directory",
            FileKind::Symlink => "symlink",
            FileKind::Unknown => "unknown",
        }
    }
}

/// A file system or sink failure while dumping. `Display` gives Nix-like messages.
#[derive(Debug)]
pub enum NarIoError {
    /// Reading the file system failed; `what` says what was being done, as in Nix's messages
    /// (`getting status of`, `opening file`, `reading file`, `opening directory`,
    /// `reading directory`, `reading symbolic link`).
    Read {
        what: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    /// A file was shorter than its size said when it was read (it changed under us).
    Truncated(PathBuf),
    /// A socket, fifo or device that the filter (if any) did not drop.
    UnsupportedType(PathBuf),
    /// Writing to the sink failed.
    Write(io::Error),
}

impl fmt::Display for NarIoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NarIoError::Read { what, path, source } => write!(f, "{what} '{}': {source}", path.display()),
            NarIoError::Truncated(path) => write!(f, "reading file '{}': unexpected end-of-file", path.display()),
            NarIoError::UnsupportedType(path) => write!(f, "file '{}' has an unsupported type", path.display()),
            NarIoError::Write(e) => write!(f, "writing NAR: {e}"),
        }
    }
}

impl std::error::Error for NarIoError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            NarIoError::Read { source, .. } | NarIoError::Write(source) => Some(source),
            NarIoError::Truncated(_) | NarIoError::UnsupportedType(_) => None,
        }
    }
}

impl From<NarIoError> for io::Error {
    fn from(e: NarIoError) -> io::Error {
        let kind = match &e {
            NarIoError::Read { source, .. } | NarIoError::Write(source) => source.kind(),
            NarIoError::Truncated(_) => io::ErrorKind::UnexpectedEof,
            NarIoError::UnsupportedType(_) => io::ErrorKind::Unsupported,
        };
        io::Error::new(kind, e)
    }
}

/// Why a filtered dump failed: the file system or sink, or the path filter (whose error type
/// is `E`, passed through untouched so an evaluator can propagate its own errors).
#[derive(Debug)]
pub enum NarError<E> {
    Io(NarIoError),
    Filter(E),
}

impl<E> From<NarIoError> for NarError<E> {
    fn from(e: NarIoError) -> Self {
        NarError::Io(e)
    }
}

impl<E: fmt::Display> fmt::Display for NarError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NarError::Io(e) => e.fmt(f),
            NarError::Filter(e) => e.fmt(f),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for NarError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            NarError::Io(e) => Some(e),
            NarError::Filter(e) => Some(e),
        }
    }
}

impl NarError<Infallible> {
    /// The I/O error of a dump whose filter cannot fail.
    pub fn into_io(self) -> NarIoError {
        match self {
            NarError::Io(e) => e,
            NarError::Filter(never) => match never {},
        }
    }
}

/// A path filter that keeps everything.
pub fn accept_all(_: &Path, _: FileKind) -> Result<bool, Infallible> {
    Ok(true)
}

fn read_err(what: &'static str, path: &Path, source: io::Error) -> NarIoError {
    NarIoError::Read {
        what,
        path: path.to_owned(),
        source,
    }
}

/// Writes one NAR string: length, bytes, padding.
fn write_str<W: Write + ?Sized>(w: &mut W, s: &[u8]) -> Result<(), NarIoError> {
    w.write_all(&(s.len() as u64).to_le_bytes())
        .map_err(NarIoError::Write)?;
    w.write_all(s).map_err(NarIoError::Write)?;
    write_padding(w, s.len() as u64)
}

fn write_padding<W: Write + ?Sized>(w: &mut W, len: u64) -> Result<(), NarIoError> {
    let pad = (8 - len % 8) % 8;
    w.write_all(&[0u8; 8][..pad as usize]).map_err(NarIoError::Write)
}

fn write_strs<W: Write + ?Sized>(w: &mut W, items: &[&str]) -> Result<(), NarIoError> {
    items.iter().try_for_each(|s| write_str(w, s.as_bytes()))
}

/// Serialises `path` (not following a symlink at the root) as a NAR into `w`.
pub fn dump_path<W: Write + ?Sized>(path: &Path, w: &mut W) -> Result<(), NarIoError> {
    dump_path_filtered(path, w, &mut accept_all).map_err(NarError::into_io)
}

/// Like [`dump_path`], leaving out every entry for which `filter` returns `false` (and, for a
/// directory, everything below it). The filter sees every entry below `path`, with its kind,
/// never `path` itself, as Nix's `PathFilter`; an error from it aborts the dump.
pub fn dump_path_filtered<W: Write + ?Sized, E>(
    path: &Path,
    w: &mut W,
    filter: &mut dyn FnMut(&Path, FileKind) -> Result<bool, E>,
) -> Result<(), NarError<E>> {
    write_str(w, NAR_MAGIC.as_bytes())?;
    let meta = fs::symlink_metadata(path).map_err(|e| read_err("getting status of", path, e))?;
    dump_node(path, &meta, w, filter)
}

fn dump_node<W: Write + ?Sized, E>(
    path: &Path,
    meta: &fs::Metadata,
    w: &mut W,
    filter: &mut dyn FnMut(&Path, FileKind) -> Result<bool, E>,
) -> Result<(), NarError<E>> {
    match FileKind::of(meta.file_type()) {
        FileKind::Regular => {
            write_strs(w, &["(", "type", "regular"])?;
            if meta.permissions().mode() & 0o100 != 0 {
                write_strs(w, &["executable", ""])?;
            }
            write_str(w, b"contents")?;
            dump_contents(path, meta.len(), w)?;
        }
        FileKind::Directory => {
            write_strs(w, &["(", "type", "directory"])?;
            let mut entries = Vec::new();
            for entry in fs::read_dir(path).map_err(|e| read_err("opening directory", path, e))? {
                let entry = entry.map_err(|e| read_err("reading directory", path, e))?;
                entries.push(entry.file_name());
            }
            // OsString's order on Unix is that of the bytes, like Nix's std::map<std::string>.
            entries.sort_unstable();
            for name in entries {
                let child = path.join(&name);
                let meta = fs::symlink_metadata(&child).map_err(|e| read_err("getting status of", &child, e))?;
                if !filter(&child, FileKind::of(meta.file_type())).map_err(NarError::Filter)? {
                    continue;
                }
                write_strs(w, &["entry", "(", "name"])?;
                write_str(w, name.as_bytes())?;
                write_str(w, b"node")?;
                dump_node(&child, &meta, w, filter)?;
                write_str(w, b")")?;
            }
        }
        FileKind::Symlink => {
            let target = fs::read_link(path).map_err(|e| read_err("reading symbolic link", path, e))?;
            write_strs(w, &["(", "type", "symlink", "target"])?;
            write_str(w, target.as_os_str().as_bytes())?;
        }
        FileKind::Unknown => return Err(NarIoError::UnsupportedType(path.to_owned()).into()),
    }
    Ok(write_str(w, b")")?)
}

/// Writes `size` bytes of the file at `path` as a NAR string, in chunks.
fn dump_contents<W: Write + ?Sized>(path: &Path, size: u64, w: &mut W) -> Result<(), NarIoError> {
    w.write_all(&size.to_le_bytes()).map_err(NarIoError::Write)?;
    let mut file = File::open(path).map_err(|e| read_err("opening file", path, e))?;
    let mut buf = vec![0u8; CHUNK.min(size as usize).max(1)];
    let mut left = size;
    while left > 0 {
        let want = (buf.len() as u64).min(left) as usize;
        let n = match file.read(&mut buf[..want]) {
            Ok(0) => return Err(NarIoError::Truncated(path.to_owned())),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(read_err("reading file", path, e)),
        };
        w.write_all(&buf[..n]).map_err(NarIoError::Write)?;
        left -= n as u64;
    }
    write_padding(w, size)
}

/// The NAR of `path` in memory (for tests and small paths).
pub fn dump_to_vec(path: &Path) -> Result<Vec<u8>, NarIoError> {
    let mut out = Vec::new();
    dump_path(path, &mut out)?;
    Ok(out)
}

/// The hash of the (filtered) NAR of `path` and the NAR's size in bytes; Nix's `hashPath`,
/// as printed by `nix-hash --type <algo> PATH`. Pass `&mut accept_all` to keep everything.
pub fn hash_path<E>(
    path: &Path,
    algo: HashAlgo,
    filter: &mut dyn FnMut(&Path, FileKind) -> Result<bool, E>,
) -> Result<(Hash, u64), NarError<E>> {
    let mut hasher = Hasher::new(algo);
    dump_path_filtered(path, &mut hasher, filter)?;
    let size = hasher.bytes_hashed();
    Ok((hasher.finish(), size))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    /// A fresh empty directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> TempDir {
            let dir = std::env::temp_dir().join(format!("rnix-nar-{tag}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn write_file(path: &Path, contents: &[u8], mode: u32) {
        fs::write(path, contents).unwrap();
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    }

    /// Builds the tree that was hashed with Nix 2.8 as /tmp/nartree:
    /// ```sh
    /// printf 'hello\n' > file.txt; printf '#!/bin/sh\necho hi\n' > exec.sh; chmod 755 exec.sh
    /// : > empty; mkdir -p sub/empty-dir; printf 'nested contents longer than eight bytes' > sub/nested.txt
    /// ln -s file.txt link; ln -s ../file.txt sub/up; printf 'unicode\n' > 'é-ü.txt'
    /// printf B > B; printf a > a
    /// python3 -c "import sys; sys.stdout.buffer.write(bytes(i % 251 for i in range(200000)))" > big.bin
    /// ```
    fn make_tree(root: &Path) {
        write_file(&root.join("file.txt"), b"hello\n", 0o644);
        write_file(&root.join("exec.sh"), b"#!/bin/sh\necho hi\n", 0o755);
        write_file(&root.join("empty"), b"", 0o644);
        fs::create_dir_all(root.join("sub/empty-dir")).unwrap();
        write_file(
            &root.join("sub/nested.txt"),
            b"nested contents longer than eight bytes",
            0o644,
        );
        symlink("file.txt", root.join("link")).unwrap();
        symlink("../file.txt", root.join("sub/up")).unwrap();
        write_file(&root.join("é-ü.txt"), b"unicode\n", 0o644);
        write_file(&root.join("B"), b"B", 0o644);
        write_file(&root.join("a"), b"a", 0o644);
        let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        write_file(&root.join("big.bin"), &big, 0o644);
    }

    fn sha256_of(path: &Path) -> (String, u64) {
        let (h, size) = hash_path(path, HashAlgo::Sha256, &mut accept_all).unwrap();
        (h.to_base16(), size)
    }

    #[test]
    fn tree_matches_nix() {
        let tmp = TempDir::new("tree");
        let root = tmp.0.join("nartree");
        fs::create_dir(&root).unwrap();
        make_tree(&root);
        // `nix-store --dump /tmp/nartree | sha256sum`, `… | wc -c`, and
        // `nix-hash --type sha256 --base32 /tmp/nartree` = 1pxw9rzq7nfbwii2zyk5jgc2wa1qga47a71j1yw7pgkl3l6x466r.
        let (h, size) = hash_path(&root, HashAlgo::Sha256, &mut accept_all).unwrap();
        assert_eq!(
            h.to_base16(),
            "d918d20d1d74be7bb80f321c75887a38282ed89365fa2f62e4cbd9837f4ebcdf"
        );
        assert_eq!(h.to_nix32(), "1pxw9rzq7nfbwii2zyk5jgc2wa1qga47a71j1yw7pgkl3l6x466r");
        assert_eq!(size, 202448);
        let nar = dump_to_vec(&root).unwrap();
        assert_eq!(nar.len() as u64, size);
        assert_eq!(Hash::digest(HashAlgo::Sha256, &nar), h);

        // `nix-store --dump /tmp/nartree/X | sha256sum` for single objects.
        let cases = [
            (
                "file.txt",
                "1c37d01af40be2e80691de3cc3df44377a699afbb17c68f080964b2fd071fc13",
            ),
            (
                "exec.sh",
                "5e0accf02cedede5e4119ffa15e79e79a5fb1fb9bc43c3d434f33227a14477a0",
            ),
            (
                "link",
                "a680ea24db28c506126f77545c29bd60840675f64209a51365f306637ea131c4",
            ),
            (
                "empty",
                "77ac62e2629d8e45f624589c0c8bf99e24b3a722349bf1e79bc186008534e246",
            ),
            (
                "sub",
                "8e1bcd1f100c61877c46b2d61fa4f9f40648d8fdcfe5fefdfcb3334da53add22",
            ),
        ];
        for (name, expected) in cases {
            assert_eq!(sha256_of(&root.join(name)).0, expected, "{name}");
        }
    }

    #[test]
    fn single_file_bytes_match_nix() {
        let tmp = TempDir::new("file");
        let file = tmp.0.join("file.txt");
        write_file(&file, b"hello\n", 0o644);
        // `nix-store --dump /tmp/nartree/file.txt | od -An -tx1` (120 bytes).
        let expected = "0d000000000000006e69782d617263686976652d31000000010000000000000028000000000000000400\
                        00000000000074797065000000000700000000000000726567756c617200080000000000000063\
                        6f6e74656e7473060000000000000068656c6c6f0a00000100000000000000290000000000000\
                        0";
        let hex: String = dump_to_vec(&file).unwrap().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, expected);
    }

    #[test]
    fn filter_matches_nix() {
        let tmp = TempDir::new("filter");
        let root = tmp.0.join("nartree");
        fs::create_dir(&root).unwrap();
        make_tree(&root);
        // `nix-instantiate --read-write-mode --eval -E 'builtins.path { name = "filtered"; path = /tmp/nartree;
        //   filter = p: t: t != "symlink" && baseNameOf p != "big.bin" && baseNameOf p != "empty-dir"; }'`
        // gave /nix/store/rhjzim8d3y9dkbw282qfkb4ak41m1cbs-filtered; `nix-hash --type sha256` of it and
        // `nix-store --dump … | wc -c`:
        let mut seen = Vec::new();
        let mut filter = |p: &Path, kind: FileKind| -> Result<bool, String> {
            seen.push((p.strip_prefix(&root).unwrap().to_owned(), kind));
            let base = p.file_name().unwrap();
            Ok(kind != FileKind::Symlink && base != "big.bin" && base != "empty-dir")
        };
        let (h, size) = hash_path(&root, HashAlgo::Sha256, &mut filter).unwrap();
        assert_eq!(
            h.to_base16(),
            "7f52d4655e0bb099deface314c767331f326cb5c12e546f46360a8078bda2815"
        );
        assert_eq!(size, 1696);
        // Asked once per entry below the root, in NAR order, never for the root; not below dropped entries.
        let names: Vec<String> = seen.iter().map(|(p, _)| p.to_string_lossy().into_owned()).collect();
        assert_eq!(
            names,
            [
                "B",
                "a",
                "big.bin",
                "empty",
                "exec.sh",
                "file.txt",
                "link",
                "sub",
                "sub/empty-dir",
                "sub/nested.txt",
                "sub/up",
                "é-ü.txt"
            ]
        );
        assert_eq!(seen[6].1, FileKind::Symlink);
        assert_eq!(seen[7].1, FileKind::Directory);
        assert_eq!(seen[0].1, FileKind::Regular);
    }

    #[test]
    fn filter_error_aborts() {
        let tmp = TempDir::new("abort");
        make_tree(&tmp.0);
        let mut calls = 0;
        let mut filter = |p: &Path, _: FileKind| -> Result<bool, String> {
            calls += 1;
            if p.ends_with("exec.sh") {
                Err("stop here".to_owned())
            } else {
                Ok(true)
            }
        };
        let mut out = Vec::new();
        match dump_path_filtered(&tmp.0, &mut out, &mut filter) {
            Err(NarError::Filter(e)) => assert_eq!(e, "stop here"),
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(calls, 5);
    }

    #[test]
    fn unsupported_types() {
        let tmp = TempDir::new("socket");
        let sock = tmp.0.join("sock");
        // Socket paths are limited to ~100 bytes: with a very long TMPDIR there is nothing to test.
        let Ok(_listener) = std::os::unix::net::UnixListener::bind(&sock) else {
            return;
        };
        // `nix-hash --type sha256 DIR` with a socket in DIR: "file 'DIR/sock' has an unsupported type".
        let err = dump_to_vec(&tmp.0).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("file '{}' has an unsupported type", sock.display())
        );
        // A filter may drop it; it sees it as "unknown".
        let mut kinds = Vec::new();
        let mut filter = |_: &Path, kind: FileKind| -> Result<bool, String> {
            kinds.push(kind.name());
            Ok(kind != FileKind::Unknown)
        };
        assert!(hash_path(&tmp.0, HashAlgo::Sha256, &mut filter).is_ok());
        assert_eq!(kinds, ["unknown"]);
    }

    #[test]
    fn io_errors() {
        let tmp = TempDir::new("errors");
        let missing = tmp.0.join("missing");
        let err = dump_to_vec(&missing).unwrap_err();
        assert!(
            matches!(
                err,
                NarIoError::Read {
                    what: "getting status of",
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err
            .to_string()
            .starts_with(&format!("getting status of '{}': ", missing.display())));

        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        write_file(&tmp.0.join("f"), b"x", 0o644);
        assert!(matches!(dump_path(&tmp.0, &mut Broken), Err(NarIoError::Write(_))));
        let io: io::Error = NarIoError::UnsupportedType(tmp.0.clone()).into();
        assert_eq!(io.kind(), io::ErrorKind::Unsupported);
        assert_eq!(
            io.to_string(),
            format!("file '{}' has an unsupported type", tmp.0.display())
        );
    }
}
