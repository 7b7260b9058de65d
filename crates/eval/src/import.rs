//! `import`, search paths (`-I`, `NIX_PATH`, `<name>`) and reading source files.

use crate::error::{ErrorKind, EvalError, EvalResult};
use crate::io::{FileKind, IoError, Mode};
use crate::value::Value;
use crate::Evaluator;
use rnix_eval_parser::{paths::canon_path, Origin, Span};
use std::path::Path;

/// Where Nix places its built-in Nix files (`<nix/fetchurl.nix>`).
const COREPKGS_PREFIX: &str = "/__corepkgs__/";
const COREPKGS_FETCHURL: &str = "/__corepkgs__/fetchurl.nix";

/// `<nix/fetchurl.nix>`: a fixed-output derivation built by Nix itself
/// (`builtin:fetchurl`); nixpkgs' bootstrap tools are fetched with it. Same attributes and
/// defaults as Nix's own, so the `.drv` is the same.
const FETCHURL_NIX: &str = r#"
{ system ? ""
, url
, hash ? ""
, md5 ? "", sha1 ? "", sha256 ? "", sha512 ? ""
, outputHash ?
    if hash != "" then hash else if sha512 != "" then sha512 else if sha1 != "" then sha1 else if md5 != "" then md5 else sha256
, outputHashAlgo ?
    if hash != "" then "" else if sha512 != "" then "sha512" else if sha1 != "" then "sha1" else if md5 != "" then "md5" else "sha256"
, executable ? false
, unpack ? false
, name ? baseNameOf (toString url)
}:
derivation {
  builder = "builtin:fetchurl";
  inherit outputHashAlgo outputHash;
  outputHashMode = if unpack || executable then "recursive" else "flat";
  inherit name url executable unpack;
  system = "builtin";
  preferLocalBuild = true;
  impureEnvVars = [ "http_proxy" "https_proxy" "ftp_proxy" "all_proxy" "no_proxy" ];
  urls = [ url ];
}
"#;

/// `prefix=path` -> (prefix, path); a bare path has an empty prefix.
pub fn split_search_entry(entry: &str) -> (String, String) {
    match entry.split_once('=') {
        Some((prefix, path)) => (prefix.to_string(), path.to_string()),
        None => (String::new(), entry.to_string()),
    }
}

/// How many symlinks `import` follows before giving up, as Nix's `maxFollow`.
const MAX_SYMLINKS: usize = 1024;

impl Evaluator {
    /// Import a file: parse once, evaluate once, share the value.
    ///
    /// The cache is asked for the path as written first, as Nix's `evalFile` does: a
    /// file imported again costs no `lstat`/`stat` (two per import were 80% of a program
    /// importing a few `lib` files 100,000 times).
    pub fn import_path(&mut self, path: &str, span: Option<Span>) -> EvalResult<Value> {
        let written = canon_path(path);
        if let Some(v) = self.import_cache.get(&written) {
            return Ok(v.clone());
        }
        let path = self.resolve_import_path(&written);
        if let Some(v) = self.import_cache.get(&path) {
            let v = v.clone();
            self.import_cache.insert(written, v.clone());
            return Ok(v);
        }
        if path == COREPKGS_FETCHURL {
            let value = self.eval_embedded(Origin::Path(path.clone()), FETCHURL_NIX)?;
            self.import_cache.insert(path, value.clone());
            return Ok(value);
        }
        // Importing a file again while it is being evaluated can only recur forever
        // (evaluation is deterministic): fail now instead of parsing it once per level
        // until the stack ends (seconds and gigabytes for a two-file cycle).
        if !self.importing.insert(path.clone()) {
            return Err(EvalError::new(
                ErrorKind::Eval,
                "stack overflow (possible infinite recursion)",
                span,
            ));
        }
        let result = self
            .read_source(&path, span)
            .and_then(|(dir, text)| self.eval_source(Origin::Path(path.clone()), &dir, &text));
        self.importing.remove(&path);
        let value = result?;
        if written != path {
            self.import_cache.insert(written, value.clone());
        }
        self.import_cache.insert(path, value.clone());
        Ok(value)
    }

    /// `findFile`: resolve `<name/rest>` against the search path.
    pub fn find_file(&mut self, entries: &[(String, String)], lookup: &str, span: Option<Span>) -> EvalResult<String> {
        if self.io.mode == Mode::Pure && !lookup.starts_with("nix/") {
            // A `ThrownError` in Nix, so `tryEval` catches it: nixpkgs' `impure.nix` does
            // `try (toString <nixpkgs-overlays>) ""`, which every flake's `legacyPackages`
            // evaluates.
            return Err(EvalError::new(
                ErrorKind::Throw,
                format!("cannot look up '<{lookup}>' in pure evaluation mode (use '--impure' to override)"),
                span,
            ));
        }
        for (prefix, root) in entries {
            let rest = if prefix.is_empty() {
                Some(lookup)
            } else if lookup == prefix {
                Some("")
            } else {
                lookup.strip_prefix(prefix.as_str()).and_then(|r| r.strip_prefix('/'))
            };
            let Some(rest) = rest else { continue };
            if !self.search_root_exists(root) {
                continue;
            }
            let candidate = if rest.is_empty() {
                root.clone()
            } else {
                format!("{root}/{rest}")
            };
            let candidate = absolute_from_cwd(&candidate);
            if self.io.stat(&candidate).is_ok() {
                return Ok(canon_path(&candidate));
            }
        }
        // Nix's built-in files answer `<nix/...>` when no search path entry does.
        if let Some(rest) = lookup.strip_prefix("nix/") {
            return Ok(format!("{COREPKGS_PREFIX}{rest}"));
        }
        Err(EvalError::new(
            ErrorKind::Throw,
            format!("file '{lookup}' was not found in the Nix search path (add it using $NIX_PATH or -I)"),
            span,
        ))
    }

    /// Whether a search path entry's directory exists; the first time one does not,
    /// Nix's warning. URLs, `channel:` and `flake:` entries are left to the lookup.
    fn search_root_exists(&mut self, root: &str) -> bool {
        if let Some(&known) = self.search_roots.get(root) {
            return known;
        }
        let not_a_path = root.contains("://") || root.starts_with("channel:") || root.starts_with("flake:");
        let exists = not_a_path || self.io.stat(&absolute_from_cwd(root)).is_ok();
        if !exists {
            crate::term::eprint_line(
                format!("warning: Nix search path entry '{root}' does not exist, ignoring").as_bytes(),
            );
        }
        self.search_roots.insert(root.to_string(), exists);
        exists
    }
}

/// The entries of a `NIX_PATH` value, split at `:` as Nix's `parseNixPath` splits it: the
/// `:` after a URL's scheme (`nixpkgs=https://...`, `channel:nixos-21.05`, `flake:...`)
/// belongs to the entry. Empty entries are dropped, as modern Nix drops them (it passes
/// the entries on as a space-separated setting).
pub fn parse_nix_path(s: &str) -> Vec<String> {
    let mut entries = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let mut end = rest.find(':').unwrap_or(rest.len());
        if end < rest.len() {
            // What follows the entry's `prefix=`, from where the value starts.
            let value = &rest[rest[..end].rfind('=').map_or(0, |i| i + 1)..];
            if is_pseudo_url(value) || value.starts_with("flake:") {
                end += 1 + rest[end + 1..].find(':').unwrap_or(rest.len() - end - 1);
            }
        }
        if end > 0 {
            entries.push(rest[..end].to_string());
        }
        rest = rest.get(end + 1..).unwrap_or("");
    }
    entries
}

/// Nix's `isPseudoUrl`: `channel:` or one of the schemes Nix downloads from.
fn is_pseudo_url(s: &str) -> bool {
    if s.starts_with("channel:") {
        return true;
    }
    s.find("://")
        .is_some_and(|i| matches!(&s[..i], "http" | "https" | "file" | "channel" | "git" | "s3" | "ssh"))
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

impl Evaluator {
    /// The file `import` reads for `path`: canonical, a directory's `default.nix`.
    pub fn resolve_import_path(&mut self, path: &str) -> String {
        let mut path = canon_path(path);
        // A symlinked file is imported as its target (Nix's `resolveExprPath`): relative
        // paths in it resolve from the target's directory, and two links to one file are
        // one import (the same value).
        for _ in 0..MAX_SYMLINKS {
            if !self.io.lstat(&path).is_ok_and(|k| k == FileKind::Symlink) {
                break;
            }
            let Ok(target) = self.io.read_link(&path) else { break };
            path = if target.starts_with('/') {
                canon_path(&target)
            } else {
                let parent = Path::new(&path).parent().map(|p| p.to_string_lossy().into_owned());
                canon_path(&format!("{}/{target}", parent.unwrap_or_default()))
            };
        }
        if self.io.stat(&path).is_ok_and(|k| k == FileKind::Directory) {
            return format!("{path}/default.nix");
        }
        path
    }

    /// Read a Nix source file: its directory (for relative paths) and its text.
    pub fn read_source(&mut self, path: &str, span: Option<Span>) -> EvalResult<(String, String)> {
        let bytes = self.io.read_file(path).map_err(|e| match e {
            IoError::Denied(msg) => EvalError::new(ErrorKind::Eval, msg, span),
            IoError::Sys(e) => {
                let msg = match e.kind() {
                    std::io::ErrorKind::NotFound => self.io.missing_path(path),
                    _ => format!("opening file '{path}': {}", rnix_eval_store::io_reason(&e)),
                };
                EvalError::new(ErrorKind::Eval, msg, span)
            }
        })?;
        let text = source_text(path, bytes).map_err(|msg| EvalError::new(ErrorKind::Eval, msg, span))?;
        let dir = Path::new(path)
            .parent()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|| "/".into());
        Ok((dir, text))
    }
}

/// A source file's bytes as text: rnix-eval's lexer reads UTF-8 only (Nix reads any
/// bytes), so a file that is not says where its first byte that is not UTF-8 is.
pub fn source_text(path: &str, bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = valid.len() - valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
        format!(
            "file '{path}' is not UTF-8 text (an invalid byte at line {line}, column {column}); rnix-eval reads Nix files as UTF-8"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::parse_nix_path;

    #[test]
    fn nix_path_entries_keep_the_colons_of_urls() {
        assert_eq!(parse_nix_path("a=/x:b=/y"), ["a=/x", "b=/y"]);
        assert_eq!(
            parse_nix_path("nixpkgs=https://example.com/x.tar.gz:c=/z"),
            ["nixpkgs=https://example.com/x.tar.gz", "c=/z"]
        );
        assert_eq!(parse_nix_path("channel:nixos-21.05"), ["channel:nixos-21.05"]);
        assert_eq!(
            parse_nix_path("n=channel:nixos-21.05:/p"),
            ["n=channel:nixos-21.05", "/p"]
        );
        assert_eq!(parse_nix_path("f=flake:nixpkgs"), ["f=flake:nixpkgs"]);
        // Only Nix's schemes, and only the first `:` after one (a port splits, as in Nix).
        assert_eq!(parse_nix_path("a=ftp://h/x"), ["a=ftp", "//h/x"]);
        assert_eq!(parse_nix_path("a=https://h:8080/x"), ["a=https://h", "8080/x"]);
        // Empty entries are dropped (modern Nix).
        assert_eq!(parse_nix_path(":a=/tmp::"), ["a=/tmp"]);
        assert!(parse_nix_path("").is_empty());
    }
}
