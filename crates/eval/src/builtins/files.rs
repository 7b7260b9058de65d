//! Filesystem builtins: `readFile`, `pathExists`, `readDir`, `readFileType`, `toPath`,
//! and `scopedImport`.
//!
//! Nix 2.8 reports I/O failures as plain system errors, without a source position:
//! `opening file '/x': No such file or directory`. The reason text is the C library's
//! `strerror`, which is Rust's `io::Error` text without its ` (os error N)` suffix.

use crate::env::Env;
use crate::error::{ErrorKind, EvalError, EvalResult};
use crate::io::IoError;
use crate::primops::PrimOpDef;
use crate::rc::Rc;
use crate::value::{NixString, Value};
use crate::{bail, prim, Evaluator};
use rnix_eval_parser::paths::canon_path;
use rnix_eval_parser::{Origin, Span};

pub(super) static PRIMOPS: &[PrimOpDef] = &[
    prim!("readFile", 1, read_file),
    prim!("pathExists", 1, path_exists),
    prim!("readDir", 1, read_dir),
    prim!("readFileType", 1, read_file_type),
    prim!("toPath", 1, to_path),
    prim!(global "scopedImport", 2, scoped_import),
];

pub(crate) use rnix_eval_store::io_reason;

/// A system error: Nix attaches no position to these.
pub(super) fn sys_error(msg: String) -> Box<EvalError> {
    EvalError::new(ErrorKind::Eval, msg, None)
}

/// A failed access to `path` as modern Nix's source accessors report it: `path '...' does
/// not exist` for a missing file or one below a file (`openParentAndUpsert`: an
/// intermediate component that is not a folder counts as missing), `'...' is not a
/// directory` when a directory was wanted and `path` is something else, else as
/// [`io_error`]. Source: `src/libutil/source-accessor.cc`,
/// `src/libutil/posix-source-accessor.cc`.
pub(crate) fn access_error(
    ev: &mut Evaluator,
    e: IoError,
    span: Option<Span>,
    path: &str,
    what: impl FnOnce(String) -> String,
) -> Box<EvalError> {
    if let IoError::Sys(s) = &e {
        match s.kind() {
            std::io::ErrorKind::NotFound => return sys_error(ev.io.missing_path(path)),
            std::io::ErrorKind::NotADirectory => {
                let parent = std::path::Path::new(path)
                    .parent()
                    .map(|p| p.to_string_lossy().into_owned());
                let in_folder =
                    parent.is_some_and(|p| ev.io.stat(&p).is_ok_and(|k| k == crate::io::FileKind::Directory));
                return sys_error(if in_folder {
                    format!("'{path}' is not a directory")
                } else {
                    format!("path '{path}' does not exist")
                });
            }
            _ => {}
        }
    }
    io_error(e, span, what)
}

/// `SourceAccessor::resolveSymlinks` (full): `path` with every symlink among its
/// components replaced by its target, as modern Nix names a file in errors of `readFile`,
/// `readDir` and `hashFile`. Missing components are kept as they are.
pub(crate) fn resolve_symlinks(ev: &mut Evaluator, path: &str) -> String {
    crate::io::follow_symlinks(path, true, |here| match ev.io.lstat(here) {
        Ok(crate::io::FileKind::Symlink) => ev.io.read_link(here).ok(),
        _ => None,
    })
    .unwrap_or_else(|| path.to_string())
}

/// An [`IoError`] as Nix reports it: a refusal of pure/restricted mode at the call, or a
/// system error worded by `what` from the `strerror` text.
pub(crate) fn io_error(e: IoError, span: Option<Span>, what: impl FnOnce(String) -> String) -> Box<EvalError> {
    match e {
        IoError::Denied(msg) => EvalError::new(ErrorKind::Eval, msg, span),
        IoError::Sys(e) => sys_error(what(io_reason(&e))),
    }
}

/// Nix's `coerceToPath`: a path, or a string (or set with `outPath`/`__toString`) that
/// holds an absolute path. The context of a string is kept.
pub(super) fn coerce_to_path(ev: &mut Evaluator, v: &Value, span: Option<Span>) -> EvalResult<Rc<NixString>> {
    let forced = ev.force(v)?;
    if let Value::Path(p) = &forced {
        return Ok(Rc::new(NixString::copy_from(p.as_bytes())));
    }
    let s = ev.coerce_to_string(&forced, span, false, false)?;
    if !s.as_bytes().starts_with(b"/") {
        bail!(span, "string '{}' doesn't represent an absolute path", s);
    }
    Ok(s)
}

/// `realisePath`: [`coerce_to_path`], then the store paths of its context are made valid.
pub(super) fn realise_path(ev: &mut Evaluator, v: &Value, span: Option<Span>) -> EvalResult<Rc<NixString>> {
    let path = coerce_to_path(ev, v, span)?;
    ev.realise_context(&path)?;
    Ok(path)
}

fn read_file(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let path = realise_path(ev, &a[0], span)?;
    let bytes = match ev.io.read_file(&path.to_str_lossy()) {
        Ok(b) => b,
        // `open` succeeds on a directory; Nix's `read` then fails.
        Err(IoError::Sys(e)) if e.kind() == std::io::ErrorKind::IsADirectory => {
            return Err(sys_error(format!("reading from file: {}", io_reason(&e))))
        }
        Err(e) => {
            let shown = resolve_symlinks(ev, &path.to_str_lossy());
            return Err(access_error(ev, e, span, &shown, |r| {
                format!("opening file '{path}': {r}")
            }));
        }
    };
    // Nix strings are C strings: a NUL byte would silently cut the contents.
    if bytes.contains(&0) {
        return Err(sys_error(format!(
            "the contents of the file '{}' cannot be represented as a Nix string",
            path
        )));
    }
    // The bytes as they are: Nix strings need not be UTF-8.
    let context = read_file_context(ev, &path.to_str_lossy(), &bytes);
    Ok(Value::String(Rc::new(NixString::new(bytes, context))))
}

/// The context of a file's contents (modern Nix's `prim_readFile`): not the path's own
/// context, but the references of the store object the file is in, kept only where
/// their hash appears in the contents. A file of a flake input or a copied source has
/// none, so `fromJSON (readFile "${src}/x.json")` works; a `.drv` file refers to its
/// inputs.
fn read_file_context(ev: &Evaluator, path: &str, contents: &[u8]) -> Option<crate::string_context::Context> {
    let dir = &ev.store.dir;
    let object = rnix_eval_store::store_path::store_entry_of(dir, path)?;
    rnix_eval_store::store_path::parse_store_path(dir, object)?;
    let refs = ev.store.references(object).ok()?;
    let occurring = refs.into_iter().filter(|r| {
        rnix_eval_store::store_path::parse_store_path(dir, r)
            .is_some_and(|(hash, _)| memchr::memmem::find(contents, hash.as_bytes()).is_some())
    });
    crate::string_context::Context::from_elems(occurring.map(Into::into).collect())
}

/// `lstat` succeeds: a dangling symlink exists. The path is not canonicalised, so
/// `"/file/"` does not exist (`ENOTDIR`), as in Nix 2.8. Every error means "no".
fn path_exists(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let path = realise_path(ev, &a[0], span)?;
    match ev.io.lstat(&path.to_str_lossy()) {
        Ok(_) => Ok(Value::Bool(true)),
        // A path pure or restricted evaluation may not read does not exist, as Nix's
        // `prim_pathExists` (it catches `RestrictedPathError`).
        Err(IoError::Sys(_) | IoError::Denied(_)) => Ok(Value::Bool(false)),
    }
}

/// Entries (without `.` and `..`) mapped to their type, from the directory entry
/// itself: symlinks are not followed.
fn read_dir(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let path = realise_path(ev, &a[0], span)?;
    let listing = ev.io.read_dir(&path.to_str_lossy());
    let listing = match listing {
        Ok(l) => l,
        Err(e) => {
            let shown = resolve_symlinks(ev, &path.to_str_lossy());
            return Err(access_error(ev, e, span, &shown, |r| {
                format!("opening directory '{path}': {r}")
            }));
        }
    };
    let entries = listing
        .into_iter()
        .map(|(name, kind)| crate::value::Attr {
            name: rnix_eval_parser::Symbol::intern(&name),
            value: Value::string(kind.name()),
            pos: None,
        })
        .collect();
    Ok(Value::attrs(crate::value::AttrSet::from_unsorted(entries)))
}

/// Modern Nix (2.14+): the type of the path itself (`lstat`).
fn read_file_type(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let path = realise_path(ev, &a[0], span)?;
    match ev.io.lstat(&path.to_str_lossy()) {
        Ok(kind) => Ok(Value::string(kind.name())),
        Err(e) => Err(access_error(ev, e, span, &path.to_str_lossy(), |r| {
            format!("getting status of '{path}': {r}")
        })),
    }
}

/// A string (not a path) holding the canonical absolute path; context is kept.
fn to_path(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let path = coerce_to_path(ev, &a[0], span)?;
    // Canonicalisation works on text: a non-UTF-8 path is made lossy.
    Ok(Value::String(Rc::new(NixString::new(
        canon_path(&path.to_str_lossy()),
        path.context.clone(),
    ))))
}

/// `scopedImport scope path`: the file is parsed with the names of `scope` bound in a
/// frame between it and the global scope (so they shadow builtins), and evaluated
/// afresh on every call: unlike `import`, its value is not cached. Its lowered tree is,
/// by path and the scope's names (`Evaluator::scoped_import_trees`).
fn scoped_import(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    // The path is forced before the scope, as in Nix's `prim_scopedImport`.
    let path = super::control::expect_path_string(ev, &a[1], span)?;
    let scope = ev.expect_attrs(&a[0], span)?;
    let path = ev.resolve_import_path(&path);
    let names: Vec<_> = scope.entries().iter().map(|e| e.name).collect();
    let key = (path, names);
    let expr = match ev.scoped_import_trees.get(&key) {
        Some(&expr) => expr,
        None => {
            let (path, names) = &key;
            let (dir, text) = ev.read_source(path, span)?;
            let origin = Origin::Path(path.clone());
            let expr = rnix_eval_parser::parse_and_lower_scoped(origin, dir, &text, &ev.global_names, names)?;
            let expr: &'static _ = Box::leak(Box::new(expr));
            ev.scoped_import_trees.insert(key, expr);
            expr
        }
    };
    let env = Env::from_values(None, scope.entries().iter().map(|e| e.value.clone()));
    ev.eval(expr, &env)
}
