//! Source files and positions.
//!
//! Every parsed text gets a [`FileId`]; spans are byte offsets into it. Line and column are
//! computed only when an error or `__curPos` needs them. Files are kept for the process
//! (they are small next to the values built from them, and error reports need the text).

use std::cell::{Cell, OnceCell, RefCell};
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// A file's index, stored plus one: the zero niche makes `Option<Span>` 12 bytes, and with
/// it every attribute of every set (`Attr` is 32 bytes instead of 40).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(NonZeroU32);

const _: () = assert!(std::mem::size_of::<Option<Span>>() == 12);

impl FileId {
    /// A file id that names no registered file: for spans that are only read for their
    /// offsets (editor diagnostics), never shown through [`file`].
    pub const DETACHED: FileId = FileId(NonZeroU32::MAX);

    pub fn index(self) -> usize {
        self.0.get() as usize - 1
    }
}

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

/// Where a file came from: a path on disk (its display name) or an expression given with
/// `-E` / stdin (Nix shows those as `«string»` / `«stdin»`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Path(String),
    String,
    Stdin,
}

pub struct SourceFile {
    pub origin: Origin,
    /// Directory that relative paths in this file resolve against.
    pub base_dir: String,
    /// `None` once let go ([`keep_file_texts`]); see [`SourceFile::text`].
    text: RefCell<Option<Rc<str>>>,
    /// The text's length in bytes, kept when the text is let go.
    len: u32,
    /// Where each line starts, found when a position in the file is first shown: most
    /// files never show one, and their line tables were 2.2 MB of a NixOS system's peak.
    line_starts: OnceCell<Box<[u32]>>,
}

/// Whether files read from disk keep their text for the process. An evaluation only
/// shows a few lines of a file, in an error, and by then most of its 1,800 files (12 MB of
/// text for a minimal NixOS system, 3.5% of its peak memory) have long been lowered: the
/// command line lets them go ([`keep_file_texts`]) and reads a file again for an error's
/// lines, as Nix does. Editors keep them: a buffer's text may not be what is on disk.
static KEEP_TEXTS: AtomicBool = AtomicBool::new(true);

/// Let go of (false) or keep (true, the default) the text of files registered from now
/// on with an [`Origin::Path`].
pub fn keep_file_texts(keep: bool) {
    KEEP_TEXTS.store(keep, Ordering::Relaxed);
}

impl SourceFile {
    pub fn display_name(&self) -> String {
        match &self.origin {
            Origin::Path(p) => p.clone(),
            Origin::String => "«string»".into(),
            Origin::Stdin => "«stdin»".into(),
        }
    }

    /// Where each line starts: from the kept text, else from the file read again (and
    /// let go again). A file that can no longer be read, or no longer has the parsed
    /// length, is one line (its positions show as line 1, as modern Nix shows positions
    /// in a source it cannot read again).
    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            if let Some(text) = &*self.text.borrow() {
                return line_starts(text).into_boxed_slice();
            }
            match self.read_again() {
                Some(text) => line_starts(&text).into_boxed_slice(),
                None => Box::new([0]),
            }
        })
    }

    /// 1-based line and column of a byte offset (columns count bytes, as Nix does).
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let starts = self.line_starts();
        let line = match starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        (line as u32 + 1, offset - starts[line] + 1)
    }

    /// Whether the 1-based `line` has text: the empty rest after a final newline is
    /// no line (Nix shows no line after the last one).
    pub fn has_line(&self, line: u32) -> bool {
        line >= 1
            && self
                .line_starts()
                .get(line as usize - 1)
                .is_some_and(|&start| start < self.len)
    }

    /// The file's text: kept, or read again from its path. `None` when it cannot be
    /// read or is no longer the text that was parsed (another length), as Nix shows no
    /// lines of a file it cannot read.
    pub fn text(&self) -> Option<Rc<str>> {
        if let Some(text) = &*self.text.borrow() {
            return Some(text.clone());
        }
        let text: Rc<str> = self.read_again()?.into();
        *self.text.borrow_mut() = Some(text.clone());
        Some(text)
    }

    /// The text read again from the file's path (through [`mount`]), if it still has
    /// the parsed length.
    fn read_again(&self) -> Option<String> {
        let Origin::Path(path) = &self.origin else { return None };
        let text = std::fs::read_to_string(disk_path(path)).ok()?;
        (text.len() == self.len as usize).then_some(text)
    }

    /// The 1-based `line` without its line break; `None` without the file's text.
    pub fn line_text(&self, line: u32) -> Option<String> {
        let starts = self.line_starts();
        let start = *starts.get((line as usize).checked_sub(1)?)? as usize;
        let end = starts
            .get(line as usize)
            .map(|&e| e as usize - 1)
            .unwrap_or(self.len as usize);
        let text = self.text()?;
        Some(text.get(start..end.max(start))?.trim_end_matches('\r').to_string())
    }
}

thread_local! {
    static FILES: RefCell<Vec<Rc<SourceFile>>> = const { RefCell::new(Vec::new()) };
    /// Where each file starts in the one numbering of [`Pos`] (`u32::MAX`: none left).
    static BASES: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
    static NEXT_BASE: Cell<u32> = const { Cell::new(0) };
    /// The file [`Pos::span`] found last, as `(first, end, index)` of its numbers: a
    /// file's range never changes, and consecutive positions are mostly in one file.
    static LAST_FILE: Cell<(u32, u32, u32)> = const { Cell::new((0, 0, 0)) };
}

/// A position as one number, for the attribute positions every set carries: all files
/// are numbered one after the other (as rustc's `BytePos`), so a position is 4 bytes and
/// an attribute 24 instead of 32 with a [`Span`]. Only the start is kept: positions are
/// shown as `file:line:col` with a caret. `None` once 4 GiB of source have been numbered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Pos(NonZeroU32);

impl Pos {
    /// The position as an empty span at its start.
    pub fn span(self) -> Span {
        let global = self.0.get() - 1;
        let (first, end, index) = LAST_FILE.get();
        let (first, index) = if first <= global && global < end {
            (first, index)
        } else {
            let (first, end, index) = BASES.with(|bases| {
                let bases = bases.borrow();
                let index = bases.partition_point(|&b| b != u32::MAX && b <= global) - 1;
                let end = match bases.get(index + 1) {
                    Some(&next) if next != u32::MAX => next,
                    _ => NEXT_BASE.get(),
                };
                (bases[index], end, index as u32)
            });
            LAST_FILE.set((first, end, index));
            (first, index)
        };
        let start = global - first;
        Span {
            file: FileId(NonZeroU32::new(index + 1).expect("file indexes start at 1")),
            start,
            end: start,
        }
    }
}

impl Span {
    /// The start of the span as a [`Pos`]; `None` in a file not registered on this
    /// thread ([`FileId::DETACHED`]: a text `check_syntax` lowers without registering).
    pub fn pos(&self) -> Option<Pos> {
        let base = BASES.with(|bases| bases.borrow().get(self.file.index()).copied())?;
        if base == u32::MAX {
            return None;
        }
        base.checked_add(self.start)
            .and_then(|g| g.checked_add(1))
            .and_then(NonZeroU32::new)
            .map(Pos)
    }
}

/// Where each line starts. Lines end at `\n`, `\r\n` or a lone `\r`, as Nix's lexer
/// counts them (`adjustLoc`), and as the language server protocol does.
pub fn line_starts(text: &str) -> Vec<u32> {
    let bytes = text.as_bytes();
    let mut starts = vec![0u32];
    starts.extend(
        bytes
            .iter()
            .enumerate()
            .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
            .map(|(i, _)| i as u32 + 1),
    );
    starts
}

/// Store paths served from local folders: a flake's source that `--read-only` did not
/// copy into the store is read at its store path from where it is (the evaluator's
/// `Io::mount`), and so is a file's text read again here. A store path's contents are
/// fixed by its name, so one table serves every evaluator of the process.
static MOUNTS: Mutex<Vec<(String, PathBuf)>> = Mutex::new(Vec::new());

/// Read the files below `store_path` from `local` when their text is read again.
pub fn mount(store_path: &str, local: &Path) {
    let mut mounts = MOUNTS.lock().unwrap_or_else(|e| e.into_inner());
    if !mounts.iter().any(|(s, _)| s == store_path) {
        mounts.push((store_path.to_string(), local.to_path_buf()));
    }
}

/// Where the file at `path` is on this machine: below a mounted store path, in the
/// local folder behind it.
fn disk_path(path: &str) -> PathBuf {
    let mounts = MOUNTS.lock().unwrap_or_else(|e| e.into_inner());
    for (store_path, local) in mounts.iter() {
        match path.strip_prefix(store_path.as_str()) {
            Some("") => return local.clone(),
            Some(rest) if rest.starts_with('/') => return local.join(&rest[1..]),
            _ => {}
        }
    }
    PathBuf::from(path)
}

pub fn add_file(origin: Origin, base_dir: String, text: &str) -> FileId {
    let keep = !matches!(origin, Origin::Path(_)) || KEEP_TEXTS.load(Ordering::Relaxed);
    add_file_keeping(origin, base_dir, text, keep)
}

/// [`add_file`] for a text that is in no file on disk (`//builtin/derivation.nix`): it
/// keeps its text, which cannot be read again.
pub fn add_embedded_file(origin: Origin, base_dir: String, text: &str) -> FileId {
    add_file_keeping(origin, base_dir, text, true)
}

fn add_file_keeping(origin: Origin, base_dir: String, text: &str, keep: bool) -> FileId {
    let file = SourceFile {
        origin,
        base_dir,
        line_starts: OnceCell::new(),
        len: u32::try_from(text.len()).unwrap_or(u32::MAX),
        text: RefCell::new(keep.then(|| text.into())),
    };
    let len = file.len as u64;
    let base = NEXT_BASE.with(|next| {
        let base = next.get();
        match u32::try_from(base as u64 + len + 1) {
            Ok(after) if base != u32::MAX => {
                next.set(after);
                base
            }
            _ => {
                next.set(u32::MAX);
                u32::MAX
            }
        }
    });
    BASES.with(|bases| bases.borrow_mut().push(base));
    FILES.with(|files| {
        let mut files = files.borrow_mut();
        files.push(Rc::new(file));
        FileId(NonZeroU32::new(files.len() as u32).expect("a file was just added"))
    })
}

pub fn file(id: FileId) -> Rc<SourceFile> {
    if id == FileId::DETACHED {
        if let Some(f) = DETACHED_FILE.with(|d| d.borrow().clone()) {
            return f;
        }
    }
    FILES.with(|files| files.borrow()[id.index()].clone())
}

thread_local! {
    /// The text [`FileId::DETACHED`] stands for while [`with_detached`] runs.
    static DETACHED_FILE: RefCell<Option<Rc<SourceFile>>> = const { RefCell::new(None) };
}

/// Run `f` with `text` as the file behind [`FileId::DETACHED`] (shown as `«string»`), so
/// that messages naming a position (`already defined at`) can be made without
/// registering the text: editors check every keystroke, and registered files live as
/// long as the process.
pub fn with_detached<T>(text: &str, f: impl FnOnce() -> T) -> T {
    let file = Rc::new(SourceFile {
        origin: Origin::String,
        base_dir: "/".into(),
        text: RefCell::new(Some(text.into())),
        len: u32::try_from(text.len()).unwrap_or(u32::MAX),
        line_starts: OnceCell::new(),
    });
    let previous = DETACHED_FILE.with(|d| d.replace(Some(file)));
    let result = f();
    DETACHED_FILE.with(|d| *d.borrow_mut() = previous);
    result
}

impl Span {
    pub fn new(file: FileId, range: rowan::TextRange) -> Span {
        Span {
            file,
            start: range.start().into(),
            end: range.end().into(),
        }
    }

    /// `file:line:col` as Nix prints positions.
    pub fn describe(&self) -> String {
        let f = file(self.file);
        let (line, col) = f.line_col(self.start);
        format!("{}:{}:{}", f.display_name(), line, col)
    }
}
