//! Builtins that make store paths without a derivation: `toFile`, `path`, `filterSource`,
//! `storePath`, `placeholder`; and the copy of a path literal into the store when it is
//! interpolated into a string.

use super::derivation::{parse_output_hash, string_with_context};
use super::files::coerce_to_path;
use crate::error::{ErrorKind, EvalError, EvalResult, TraceFrame};
use crate::primops::PrimOpDef;
use crate::store::{check_path_name, StoredSource};
use crate::value::{NixString, Value};
use crate::{bail, prim, Evaluator};
use rnix_eval_parser::Span;
use rnix_eval_store::hash::{Hash, HashAlgo};
use rnix_eval_store::nar::{self, FileKind};
use rnix_eval_store::store_path::{self, FileIngestionMethod};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub(super) static PRIMOPS: &[PrimOpDef] = &[
    prim!("toFile", 2, to_file),
    prim!(global "placeholder", 1, placeholder),
    prim!("storePath", 1, store_path_builtin),
    prim!("path", 1, path_builtin),
    prim!("filterSource", 2, filter_source),
];

fn to_file(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let name = ev.expect_string_no_ctx(&a[0], span)?;
    let contents = ev.expect_string(&a[1], span)?;
    let mut refs = BTreeSet::new();
    for path in contents.context.iter().flat_map(|c| c.iter()) {
        if !path.starts_with('/') {
            bail!(
                span,
                "in 'toFile': the file named '{name}' must not contain a reference to a derivation but contains ({path})"
            );
        }
        refs.insert(path.to_string());
    }
    let path = ev
        .store
        .add_text(&name, contents.as_bytes(), refs)
        .map_err(|m| fail(span, m))?;
    // Readable in pure mode once written, as every path evaluation made.
    ev.io.allow(&path);
    Ok(string_with_context(&path, path.clone()))
}

/// `placeholder "out"`: the string Nix substitutes with the output's path at build time.
fn placeholder(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let output = ev.expect_string_no_ctx(&a[0], span)?;
    let hash = Hash::digest(HashAlgo::Sha256, format!("nix-output:{output}").as_bytes());
    Ok(Value::string(format!("/{}", hash.to_nix32())))
}

fn store_path_builtin(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    if ev.io.mode == crate::io::Mode::Pure {
        bail!(span, "'builtins.storePath' is not allowed in pure evaluation mode");
    }
    let path = coerce_to_path(ev, &a[0], span)?;
    let mut context = crate::string_context::ContextBuilder::from(path.context.as_ref());
    let path = path.to_str_lossy().into_owned();
    let dir = ev.store.dir.clone();
    let directly_in_store =
        rnix_eval_store::store_path::store_entry_of(&dir, &path).is_some_and(|entry| entry.len() == path.len());
    let path = if directly_in_store {
        path
    } else {
        // Resolve symlinks unless the path is itself directly in the store, one component
        // at a time as modern Nix's `canonPath(path, true)`: a missing component (or one
        // below a file) is taken for a plain one (Nix 2.8 fails on it), so
        // `/nix/store/x/..` is `/nix/store`, not in the store, and `x/link/.` is `x/a` where
        // `link` points to `a` even when the whole path cannot be resolved.
        let io = &mut ev.io;
        let target = |p: &str| match io.lstat(p) {
            Ok(crate::io::FileKind::Symlink) => io.read_link(p).ok(),
            _ => None,
        };
        match crate::io::follow_symlinks(&path, true, target) {
            Some(resolved) => resolved,
            None => bail!(span, "infinite symlink recursion in path '{path}'"),
        }
    };
    let Some(object) = rnix_eval_store::store_path::store_entry_of(&dir, &path) else {
        bail!(span, "path '{path}' is not in the Nix store");
    };
    if let Some(message) = rnix_eval_store::store_path::bad_store_path(&dir, object) {
        bail!(span, "{message}");
    }
    // Nix (`ensurePath`, except in read-only mode, which `--eval` implies): the path
    // must be valid in the store written to.
    ev.store
        .ensure_valid(object)
        .map_err(|m| EvalError::new(ErrorKind::Eval, m, span))?;
    context.insert(object);
    Ok(Value::String(crate::rc::Rc::new(crate::value::NixString::new(
        path,
        context.finish(),
    ))))
}

fn path_builtin(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let args = ev.expect_attrs(&a[0], span)?;
    let mut path = None;
    let mut name = String::new();
    let mut filter = None;
    let mut recursive = true;
    let mut expected = None;
    for attr in args.entries().iter() {
        let at = attr.span().or(span);
        match attr.name.as_str() {
            "path" => path = Some(coerce_to_path(ev, &attr.value, at)?.to_str_lossy().into_owned()),
            "name" => name = ev.expect_string_no_ctx(&attr.value, at)?,
            "filter" => filter = Some(ev.force(&attr.value)?),
            "recursive" => recursive = ev.expect_bool(&attr.value, at)?,
            "sha256" => {
                let text = ev.expect_string_no_ctx(&attr.value, at)?;
                expected = Some(parse_output_hash(&text, "sha256").map_err(|m| fail(at, m))?);
            }
            other => bail!(
                at,
                "unsupported argument '{}' to 'addPath'",
                rnix_eval_parser::show::identifier(other)
            ),
        }
    }
    let Some(path) = path.filter(|p| !p.is_empty()) else {
        bail!(span, "'path' required");
    };
    if name.is_empty() {
        name = base_name(&path).to_string();
    }
    add_path(ev, span, &name, &path, filter, recursive, expected)
}

fn filter_source(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let path = coerce_to_path(ev, &a[1], span)?.to_str_lossy().into_owned();
    let filter = ev.force(&a[0])?;
    if !filter.is_function() {
        return Err(crate::show_value::type_error("a function", &filter, span));
    }
    let name = base_name(&path).to_string();
    add_path(ev, span, &name, &path, Some(filter), true, None)
}

/// Nix's `addPath`: hash `path` (through `filter`), and check the expected hash if any.
fn add_path(
    ev: &mut Evaluator,
    span: Option<Span>,
    name: &str,
    path: &str,
    filter: Option<Value>,
    recursive: bool,
    expected: Option<Hash>,
) -> EvalResult<Value> {
    let result = (|| {
        let (store_path, excluded, real) = compute_source_path(ev, span, name, path, filter, recursive)?;
        if let Some(expected) = &expected {
            let method = FileIngestionMethod::from_recursive(recursive);
            let dir = ev.store.dir.clone();
            let want = store_path::make_fixed_output_path(&dir, name, method, expected, std::iter::empty::<&str>());
            if want != store_path {
                bail!(
                    span,
                    "store path mismatch in (possibly filtered) path added from '{path}'"
                );
            }
        }
        ev.allow_copied(&store_path, &real, excluded.is_empty());
        let source = StoredSource {
            name: name.to_string(),
            local_path: real.to_string_lossy().into_owned(),
            recursive,
            excluded,
        };
        ev.store.add_source(&store_path, source).map_err(|m| fail(span, m))?;
        Ok(string_with_context(&store_path, store_path.clone()))
    })();
    result.map_err(|mut e| {
        e.trace.push(TraceFrame {
            span,
            message: format!("while adding path '{path}'"),
        });
        e
    })
}

/// The store path of a local file or tree, and the entries a filter left out.
fn compute_source_path(
    ev: &mut Evaluator,
    span: Option<Span>,
    name: &str,
    path: &str,
    filter: Option<Value>,
    recursive: bool,
) -> EvalResult<(String, Vec<PathBuf>, PathBuf)> {
    let real = ev
        .io
        .tree_path(path)
        .map_err(|e| super::files::io_error(e, span, |r| r))?;
    if std::fs::symlink_metadata(&real).is_err() {
        bail!(span, "{}", ev.io.missing_path(path));
    }
    // The filter sees evaluation paths, also where a mount serves them from elsewhere.
    let shown = |p: &Path| match p.strip_prefix(&real) {
        Ok(rest) if rest.as_os_str().is_empty() => PathBuf::from(path),
        Ok(rest) => Path::new(path).join(rest),
        Err(_) => p.to_path_buf(),
    };
    let mut excluded = Vec::new();
    let hash = if recursive {
        let result = match &filter {
            None => nar::hash_path(&real, HashAlgo::Sha256, &mut |_: &Path, _: FileKind| {
                Ok::<bool, Box<crate::EvalError>>(true)
            }),
            Some(f) => nar::hash_path(&real, HashAlgo::Sha256, &mut |p: &Path, kind: FileKind| {
                let keep = call_filter(ev, f, &shown(p), kind, span)?;
                if !keep {
                    excluded.push(p.to_path_buf());
                }
                Ok(keep)
            }),
        };
        match result {
            Ok((hash, _size)) => hash,
            Err(nar::NarError::Filter(e)) => return Err(e),
            Err(nar::NarError::Io(e)) => bail!(span, "{e}"),
        }
    } else {
        let data = std::fs::read(&real).map_err(|e| {
            fail(
                span,
                format!("reading file '{path}': {}", rnix_eval_store::io_reason(&e)),
            )
        })?;
        Hash::digest(HashAlgo::Sha256, &data)
    };
    let method = FileIngestionMethod::from_recursive(recursive);
    let dir = ev.store.dir.clone();
    let store_path = store_path::make_fixed_output_path(&dir, name, method, &hash, std::iter::empty::<&str>());
    check_path_name(&dir, &store_path).map_err(|m| fail(span, m))?;
    Ok((store_path, excluded, real))
}

fn call_filter(
    ev: &mut Evaluator,
    filter: &Value,
    path: &Path,
    kind: FileKind,
    span: Option<Span>,
) -> EvalResult<bool> {
    let kind = match kind {
        FileKind::Regular => "regular",
        FileKind::Directory => "directory",
        FileKind::Symlink => "symlink",
        FileKind::Unknown => "unknown",
    };
    let partial = ev.call(filter.clone(), Value::string(path.to_string_lossy().into_owned()), span)?;
    let partial = ev.force(&partial)?;
    let result = ev.call(partial, Value::string(kind), span)?;
    ev.expect_bool(&result, span)
}

impl Evaluator {
    /// `copyPathToStore`: the store path a path literal becomes inside a string, computed
    /// once per path.
    pub fn copy_path_to_store(&mut self, path: &str, span: Option<Span>) -> EvalResult<String> {
        if path.ends_with(".drv") {
            bail!(span, "file names are not allowed to end in '.drv'");
        }
        if let Some(done) = self.store.copied_paths.get(path) {
            return Ok(done.clone());
        }
        let name = base_name(path).to_string();
        let (store_path, _, real) = compute_source_path(self, span, &name, path, None, true)?;
        self.allow_copied(&store_path, &real, true);
        let source = StoredSource {
            name,
            local_path: real.to_string_lossy().into_owned(),
            recursive: true,
            excluded: Vec::new(),
        };
        self.store.add_source(&store_path, source).map_err(|m| fail(span, m))?;
        self.store.copied_paths.insert(path.to_string(), store_path.clone());
        Ok(store_path)
    }

    /// Nix's `allowPath` after a copy: pure and restricted evaluation may read back what
    /// evaluation itself put in the store (`readFile "${./msg.txt}"`, `import "${./x.nix}"`
    /// in a flake). A copy of the whole of `real` (`whole`: no filter left anything out)
    /// is served from `real` until it is in the store, as a fetched tree is; a filtered one
    /// is readable once a store write made it. Impure evaluation reads the store as it is.
    fn allow_copied(&mut self, store_path: &str, real: &Path, whole: bool) {
        match (&self.io.mode, whole) {
            (crate::io::Mode::Impure, _) => {}
            (_, true) => self.io.mount(store_path, real.to_path_buf()),
            (_, false) => self.io.allow(store_path),
        }
    }

    /// Nix's `realiseContext`, before a path with context is read (`import`, `readFile`,
    /// `pathExists`, `readDir`, ...): every store path it names must be valid (on disk:
    /// in `--eval` without `--read-write-mode` nothing is written, so a computed path is
    /// not), and derivation outputs are built (import from derivation) through the store
    /// when `allow-import-from-derivation` is set.
    pub(crate) fn realise_context(&mut self, s: &NixString) -> EvalResult<()> {
        let Some(context) = &s.context else { return Ok(()) };
        // What this evaluation wrote is on disk before it is read.
        self.store.flush().map_err(|m| fail(None, m))?;
        let mut targets = Vec::new();
        for elem in context.iter() {
            let (path, output) = match elem.strip_prefix('!').and_then(|r| r.split_once('!')) {
                Some((output, drv)) => (drv, Some(output)),
                None => (elem.strip_prefix('=').unwrap_or(elem), None),
            };
            // A fetched tree served from the fetcher cache stands for its store path.
            if self.io.mounted(path).is_none() && std::fs::symlink_metadata(path).is_err() {
                return Err(fail(None, format!("path '{path}' is not valid")));
            }
            if let Some(output) = output.filter(|_| path.ends_with(".drv")) {
                targets.push((path.to_string(), output.to_string()));
            } else if self.io.mounted(path).is_none() {
                // In pure and restricted mode a valid path of the context may be read
                // (Nix's `realiseContext` allows each).
                self.io.allow(path);
            }
        }
        let Some((drv, output)) = targets.first() else {
            return Ok(());
        };
        // Modern Nix names the output (`DerivedPath::to_string`); Nix 2.8 the .drv only.
        if !self.allow_import_from_derivation {
            return Err(fail(
                None,
                format!("cannot build '{drv}^{output}' during evaluation because the option 'allow-import-from-derivation' is disabled"),
            ));
        }
        let mut missing = Vec::new();
        for (drv, output) in &targets {
            match self.store.output_path(drv, output).map_err(|m| fail(None, m))? {
                Some(out) if Path::new(&out).exists() => self.io.allow(&out),
                _ => missing.push((drv.clone(), output.clone())),
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        match &mut self.store.sink {
            // The outputs built may be read, in pure and restricted mode too (Nix's
            // `realiseContext` adds them to the allowed paths).
            Some(sink) => {
                let outputs = sink.build(&missing).map_err(|m| fail(None, m))?;
                for out in &outputs {
                    self.io.allow(out);
                }
                Ok(())
            }
            None => Err(fail(
                None,
                format!(
                    "cannot build '{}^{}' during evaluation: nothing is written to the store in this mode (use --read-write-mode)",
                    missing[0].0, missing[0].1
                ),
            )),
        }
    }
}

fn base_name(path: &str) -> &str {
    let trimmed = path.strip_suffix('/').unwrap_or(path);
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

fn fail(span: Option<Span>, message: String) -> Box<crate::EvalError> {
    crate::EvalError::new(crate::ErrorKind::Eval, message, span)
}
