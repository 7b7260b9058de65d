//! `import`, search paths (`-I`, `NIX_PATH`, `<name>`) and reading source files.

use crate::error::{ErrorKind, EvalError, EvalResult};
use crate::value::Value;
use crate::Evaluator;
use rnix_eval_parser::{paths::canon_path, Origin, Span};
use std::path::Path;

/// `prefix=path` -> (prefix, path); a bare path has an empty prefix.
pub fn split_search_entry(entry: &str) -> (String, String) {
    match entry.split_once('=') {
        Some((prefix, path)) => (prefix.to_string(), path.to_string()),
        None => (String::new(), entry.to_string()),
    }
}

impl Evaluator {
    /// Import a file: parse once, evaluate once, share the value.
    pub fn import_path(&mut self, path: &str, span: Option<Span>) -> EvalResult<Value> {
        let path = resolve_import_path(path);
        if let Some(v) = self.import_cache.get(&path) {
            return Ok(v.clone());
        }
        let (dir, text) = read_source(&path, span)?;
        let value = self.eval_source(Origin::Path(path.clone()), &dir, &text)?;
        self.import_cache.insert(path, value.clone());
        Ok(value)
    }

    /// `findFile`: resolve `<name/rest>` against the search path.
    pub fn find_file(&mut self, entries: &[(String, String)], lookup: &str, span: Option<Span>) -> EvalResult<String> {
        for (prefix, root) in entries {
            let rest = if prefix.is_empty() {
                Some(lookup)
            } else if lookup == prefix {
                Some("")
            } else {
                lookup.strip_prefix(prefix.as_str()).and_then(|r| r.strip_prefix('/'))
            };
            let Some(rest) = rest else { continue };
            let candidate = if rest.is_empty() {
                root.clone()
            } else {
                format!("{root}/{rest}")
            };
            let candidate = absolute_from_cwd(&candidate);
            if Path::new(&candidate).exists() {
                return Ok(canon_path(&candidate));
            }
        }
        Err(EvalError::new(
            ErrorKind::Throw,
            format!("file '{lookup}' was not found in the Nix search path (add it using $NIX_PATH or -I)"),
            span,
        ))
    }
}

pub fn absolute_from_cwd(p: &str) -> String {
    if p.starts_with('/') {
        return p.to_string();
    }
    let cwd = std::env::current_dir()
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_else(|_| "/".into());
    canon_path(&format!("{cwd}/{p}"))
}

/// The file `import` reads for `path`: canonical, a directory's `default.nix`.
pub fn resolve_import_path(path: &str) -> String {
    let path = canon_path(path);
    if Path::new(&path).is_dir() {
        return format!("{path}/default.nix");
    }
    path
}

/// Read a Nix source file: its directory (for relative paths) and its text.
pub fn read_source(path: &str, span: Option<Span>) -> EvalResult<(String, String)> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        let msg = match e.kind() {
            std::io::ErrorKind::NotFound => format!("getting status of '{path}': No such file or directory"),
            _ => format!("opening file '{path}': {e}"),
        };
        EvalError::new(ErrorKind::Eval, msg, span)
    })?;
    let dir = Path::new(path)
        .parent()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|| "/".into());
    Ok((dir, text))
}
