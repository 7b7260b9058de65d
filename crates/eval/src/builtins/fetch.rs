//! Fetchers: `fetchTree`, `fetchGit`, `fetchTarball`, `fetchurl`, plus `parseFlakeRef`,
//! `flakeRefToString` and `getFlake` (answered by the flake crate's loader).
//!
//! The work is `rnix-eval-fetch`'s; here inputs are read from Nix values, fetched trees
//! are mounted in [`crate::io::Io`] at their store paths and recorded as sources (so a
//! store sink copies them, and derivations may refer to them), and results are built as
//! Nix builds them (`emitTreeAttrs`).

use super::derivation::string_with_context;
use crate::error::EvalResult;
use crate::io::{IoError, Mode};
use crate::primops::PrimOpDef;
use crate::store::StoredSource;
use crate::value::{Attr, AttrSet, Value};
use crate::{bail, prim, Evaluator};
use rnix_eval_fetch::{AttrValue, Attrs, FetchContext, FlakeRef, Tree};
use rnix_eval_parser::{Span, Symbol};
use rnix_eval_store::hash::{Hash, HashAlgo};
use rnix_eval_store::store_path::{make_fixed_output_path, FileIngestionMethod};

pub(super) static PRIMOPS: &[PrimOpDef] = &[
    prim!(global "fetchTree", 1, fetch_tree),
    prim!(global "fetchGit", 1, fetch_git),
    prim!(global "fetchTarball", 1, fetch_tarball),
    prim!(global "fetchMercurial", 1, fetch_mercurial),
    prim!("fetchurl", 1, fetchurl),
    prim!("parseFlakeRef", 1, parse_flake_ref),
    prim!("flakeRefToString", 1, flake_ref_to_string),
    prim!("getFlake", 1, get_flake),
];

fn ctx(ev: &Evaluator) -> FetchContext {
    FetchContext::new(ev.store.dir.clone())
}

/// A Nix set of input attributes (strings, integers, booleans) as [`Attrs`], for the
/// builtin `fetcher` (`fetchTree`, `fetchGit`) or, without one, for a flake reference;
/// modern Nix's messages (`src/libexpr/primops/fetchTree.cc`, `fetchTreeInternal`;
/// `src/libflake/flake-primops.cc`, `prim_flakeRefToString`).
fn input_attrs(ev: &mut Evaluator, set: &AttrSet, span: Option<Span>, fetcher: Option<&str>) -> EvalResult<Attrs> {
    let mut attrs = Attrs::new();
    for attr in set.entries().iter() {
        let value = ev.force(&attr.value)?;
        let v = match &value {
            Value::Bool(b) => AttrValue::Bool(*b),
            Value::Int(n) if *n >= 0 => AttrValue::Int(*n as u64),
            Value::Int(n) => match fetcher {
                Some(f) => bail!(span, "negative value given for '{f}' argument '{}': {n}", attr.name),
                None => bail!(span, "negative value given for flake ref attr {}: {n}", attr.name),
            },
            Value::String(_) | Value::Path(_) => AttrValue::Str(
                ev.coerce_to_string(&value, span, false, false)?
                    .to_str_lossy()
                    .into_owned(),
            ),
            other => match fetcher {
                Some(f) => bail!(
                    span,
                    "argument '{}' to '{f}' is {} while a string, Boolean or integer is expected",
                    attr.name,
                    crate::show_value::show_type(other)
                ),
                None => bail!(
                    span,
                    "flake reference attribute sets may only contain integers, Booleans, and strings, but attribute '{}' is {}",
                    attr.name,
                    crate::show_value::show_type(other)
                ),
            },
        };
        attrs.set(attr.name.as_str(), v);
    }
    Ok(attrs)
}

fn is_locked(attrs: &Attrs) -> bool {
    attrs.get_str("narHash").is_some() || attrs.get_str("rev").is_some()
}

/// Fetch, mount and record an input; the caller builds the result.
pub fn fetch_input(ev: &mut Evaluator, attrs: &Attrs, span: Option<Span>) -> EvalResult<Tree> {
    ev.io.record_fetch(rnix_eval_fetch::input_to_url(attrs));
    let ctx = ctx(ev);
    let result = if attrs.get_str("type") == Some("path") {
        // `fetch` checks the store first itself; this path does not go through it.
        match rnix_eval_fetch::already_fetched(&ctx, attrs) {
            Some(tree) => Ok(tree),
            None => fetch_path_input(ev, &ctx, attrs, span)?,
        }
    } else {
        rnix_eval_fetch::fetch(&ctx, attrs)
    };
    let tree = result.map_err(|e| crate::EvalError::new(crate::ErrorKind::Eval, e.to_string(), span))?;
    ev.io.mount(&tree.store_path, tree.local.clone());
    if let Some(root) = &tree.work_tree {
        ev.io.note_work_tree(&tree.store_path, root.clone());
    }
    let source = StoredSource {
        name: "source".into(),
        local_path: tree.local.to_string_lossy().into_owned(),
        recursive: true,
        excluded: Vec::new(),
    };
    ev.store
        .add_source(&tree.store_path, source)
        .map_err(|m| crate::EvalError::new(crate::ErrorKind::Eval, m, span))?;
    Ok(tree)
}

/// A `path:` input is read through the IO gate (it may lie in a mounted store path).
fn fetch_path_input(
    ev: &mut Evaluator,
    ctx: &FetchContext,
    attrs: &Attrs,
    span: Option<Span>,
) -> EvalResult<Result<Tree, rnix_eval_fetch::FetchError>> {
    let Some(path) = attrs.get_str("path") else {
        bail!(span, "path input lacks a 'path' attribute");
    };
    if !path.starts_with('/') {
        bail!(span, "cannot fetch input 'path:{path}' because it uses a relative path");
    }
    // Fetching is not evaluation reading files: a locked input may come from anywhere
    // (`fetchTree` refuses unlocked ones in pure mode before this).
    let real = ev.io.translate(path);
    let in_store = rnix_eval_fetch::store_mtime(path, &ev.store.dir);
    let tree = rnix_eval_fetch::fetch_path_at(ctx, attrs, &real, in_store);
    if let (Ok(t), Some(want)) = (&tree, attrs.get_str("narHash")) {
        if Some(want) != t.nar_hash() {
            bail!(
                span,
                "NAR hash mismatch in input 'path:{path}' ({}), expected '{want}', got '{}'",
                t.store_path,
                t.nar_hash().unwrap_or("")
            );
        }
    }
    Ok(tree)
}

/// The set `fetchTree` returns (Nix's `emitTreeAttrs`).
pub fn tree_attrs(tree: &Tree) -> Value {
    emit_tree_attrs(tree, false)
}

/// `emitTreeAttrs`; with `empty_rev_fallback` (`fetchGit`'s backwards compatibility) a
/// tree without a revision (dirty, or no commit yet) has the null `rev`, `shortRev` and
/// `revCount = 0`, as in Nix 2.8 and modern Nix (`src/libexpr/primops/fetchTree.cc`).
fn emit_tree_attrs(tree: &Tree, empty_rev_fallback: bool) -> Value {
    let mut entries = vec![attr(
        "outPath",
        string_with_context(&tree.store_path, tree.store_path.clone()),
    )];
    let locked = &tree.locked;
    if let Some(h) = tree.nar_hash() {
        entries.push(attr("narHash", Value::string(h.to_string())));
    }
    let is_git = locked.get_str("type") == Some("git");
    if is_git {
        entries.push(attr(
            "submodules",
            Value::Bool(locked.get_bool("submodules").unwrap_or(false)),
        ));
    }
    if let Some(rev) = locked.get_str("rev") {
        entries.push(attr("rev", Value::string(rev.to_string())));
        entries.push(attr("shortRev", Value::string(rev[..rev.len().min(7)].to_string())));
    } else if empty_rev_fallback {
        entries.push(attr("rev", Value::string("0".repeat(40))));
        entries.push(attr("shortRev", Value::string("0".repeat(7))));
    }
    for key in ["dirtyRev", "dirtyShortRev"] {
        if let Some(v) = locked.get_str(key) {
            entries.push(attr(key, Value::string(v.to_string())));
        }
    }
    if let Some(n) = locked.get_int("revCount") {
        entries.push(attr("revCount", Value::Int(n as i64)));
    } else if empty_rev_fallback {
        entries.push(attr("revCount", Value::Int(0)));
    }
    if let Some(t) = locked.get_int("lastModified") {
        entries.push(attr("lastModified", Value::Int(t as i64)));
        entries.push(attr(
            "lastModifiedDate",
            Value::string(rnix_eval_fetch::last_modified_date(t as i64)),
        ));
    }
    Value::attrs(AttrSet::from_unsorted(entries))
}

fn attr(name: &str, value: Value) -> Attr {
    Attr {
        name: Symbol::intern(name),
        value,
        pos: None,
    }
}

fn fetch_tree(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let arg = ev.force(&a[0])?;
    let attrs = match &arg {
        Value::Attrs(set) => {
            if set.get(ev.sym.type_).is_none() {
                bail!(span, "argument 'type' is missing in call to 'fetchTree'");
            }
            let attrs = input_attrs(ev, set, span, Some("fetchTree"))?;
            if attrs.get_str("type") == Some("git") {
                check_git_attrs(&attrs, span)?;
            }
            attrs
        }
        _ => {
            let text = ev.expect_string_no_ctx(&arg, span)?;
            let r =
                FlakeRef::parse(&text, None).map_err(|e| crate::EvalError::new(crate::ErrorKind::Eval, e.0, span))?;
            if !r.subdir.is_empty() {
                bail!(span, "unexpected '?dir' in call to 'fetchTree'");
            }
            r.input
        }
    };
    if ev.io.mode == Mode::Pure && !is_locked(&attrs) {
        bail!(span, "in pure evaluation mode, 'fetchTree' requires a locked input");
    }
    let tree = fetch_input(ev, &attrs, span)?;
    Ok(tree_attrs(&tree))
}

/// `fetchGit "url"` or `fetchGit { url; ref ? ; rev ? ; submodules ? ; ... }`.
fn fetch_git(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let arg = ev.force(&a[0])?;
    let mut attrs = match &arg {
        Value::Attrs(set) => {
            let attrs = input_attrs(ev, set, span, Some("fetchGit"))?;
            check_git_attrs(&attrs, span)?;
            attrs
        }
        _ => {
            let mut attrs = Attrs::new();
            let url = coerce_url(ev, &arg, span)?;
            attrs.set("url", url);
            attrs
        }
    };
    if let Some(url) = attrs.get_str("url") {
        if url.starts_with('/') {
            attrs.set("url", format!("file://{url}"));
        }
    }
    if attrs.get_str("name").is_some_and(|n| n != "source") {
        bail!(
            span,
            "fetchGit: a 'name' other than 'source' is not supported by rnix-eval"
        );
    }
    attrs.remove("name");
    attrs.set("type", "git");
    if ev.io.mode == Mode::Pure && attrs.get_str("rev").is_none() {
        bail!(span, "in pure evaluation mode, 'fetchGit' requires a locked input");
    }
    let tree = fetch_input(ev, &attrs, span)?;
    Ok(emit_tree_attrs(&tree, true))
}

/// The attributes a `git` input may have (modern Nix's `GitInputScheme::allowedAttrs`,
/// `src/libfetchers/git.cc`; Nix 2.8 has fewer, and says `unsupported Git input
/// attribute 'foo'`).
const GIT_ATTRS: &[&str] = &[
    "allRefs",
    "dirtyRev",
    "dirtyShortRev",
    "exportIgnore",
    "keytype",
    "lastModified",
    "lfs",
    "name",
    "narHash",
    "publicKey",
    "publicKeys",
    "ref",
    "rev",
    "revCount",
    "shallow",
    "submodules",
    "url",
    "verifyCommit",
];

/// `Input::fromAttrs`: an attribute the scheme does not know is refused, the first by
/// name; then `GitInputScheme::inputFromAttrs` wants the `verified-fetches` feature for
/// signatures, which rnix-eval does not have (it never verifies, so it must not accept).
fn check_git_attrs(attrs: &Attrs, span: Option<Span>) -> EvalResult<()> {
    for (name, _) in attrs.iter() {
        if name != "type" && name != "__final" && !GIT_ATTRS.contains(&name.as_str()) {
            bail!(span, "input attribute '{name}' not supported by scheme 'git'");
        }
    }
    for (name, _) in attrs.iter() {
        if ["verifyCommit", "keytype", "publicKey", "publicKeys"].contains(&name.as_str()) {
            bail!(
                span,
                "experimental Nix feature 'verified-fetches' is disabled; add '--extra-experimental-features verified-fetches' to enable it"
            );
        }
    }
    if attrs.get_bool("lfs") == Some(true) {
        bail!(span, "Git LFS ('lfs = true') is not supported by rnix-eval");
    }
    Ok(())
}

fn coerce_url(ev: &mut Evaluator, v: &Value, span: Option<Span>) -> EvalResult<String> {
    Ok(ev.coerce_to_string(v, span, false, false)?.to_str_lossy().into_owned())
}

/// `fetchTarball url` or `{ url; sha256 ? ; name ? "source" }`: the unpacked tree's path.
fn fetch_tarball(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let (url, sha256) = url_and_hash(ev, &a[0], span, "fetchTarball")?;
    let mut attrs = Attrs::new();
    attrs.set("type", "tarball");
    attrs.set("url", absolute_url(&url));
    if ev.io.mode == Mode::Pure && sha256.is_none() {
        bail!(
            span,
            "in pure evaluation mode, 'fetchTarball' requires a 'sha256' argument"
        );
    }
    if let Some(path) = sha256
        .as_ref()
        .and_then(|h| already_fetched(ev, "source", FileIngestionMethod::Recursive, h))
    {
        return Ok(string_with_context(&path, path.clone()));
    }
    let tree = fetch_input(ev, &attrs, span)?;
    if let Some(want) = sha256 {
        if Some(want.to_sri().as_str()) != tree.nar_hash() {
            let got = tree.nar_hash().and_then(|h| Hash::parse_sri(h).ok());
            return Err(hash_mismatch(&url, &want, got.as_ref(), span));
        }
    }
    Ok(string_with_context(&tree.store_path, tree.store_path.clone()))
}

/// Nix's shortcut for `fetchurl`/`fetchTarball` given a hash (`fetchTree.cc`, `fetch`):
/// when the fixed-output path the fetch would make is already valid, it is the result and
/// nothing is downloaded, so a pinned `fetchTarball` evaluates offline once fetched.
/// Asked of the store being written to; without one (`--eval`, `--read-only`), a path
/// present in the store directory counts, as Nix's read-only mode reads its database.
fn already_fetched(ev: &mut Evaluator, name: &str, method: FileIngestionMethod, hash: &Hash) -> Option<String> {
    let path = make_fixed_output_path(&ev.store.dir, name, method, hash, std::iter::empty::<&str>());
    let valid = match ev.store.sink.as_mut().and_then(|sink| sink.is_valid(&path).ok()) {
        Some(valid) => valid,
        None => ev.io.lstat(&path).is_ok(),
    };
    valid.then(|| {
        ev.io.allow(&path);
        path
    })
}

/// A fetched file or tarball whose hash is not the one given: Nix's message (both hashes
/// in Nix32 with their algorithm, `fetchurl` in modern Nix as in 2.8) and exit status 102,
/// a build's hash mismatch.
#[cold]
fn hash_mismatch(url: &str, want: &Hash, got: Option<&Hash>, span: Option<Span>) -> Box<crate::EvalError> {
    let nix32 = |h: &Hash| format!("{}:{}", h.algo(), h.to_nix32());
    crate::EvalError::new(
        crate::error::ErrorKind::Eval,
        format!(
            "hash mismatch in file downloaded from '{url}':\n  specified: {}\n  got:       {}",
            nix32(want),
            got.map(nix32).unwrap_or_default()
        ),
        span,
    )
    .with_exit_status(102)
}

fn absolute_url(url: &str) -> String {
    if url.starts_with('/') {
        format!("file://{url}")
    } else {
        url.to_string()
    }
}

/// How `fetchurl`/`fetchTarball` were called: the `name` given, and whether the argument
/// was a set (modern Nix's advice for a bad store path name depends on both).
#[derive(Default)]
struct CallShape {
    name: Option<String>,
    attrs: bool,
}

fn url_and_hash(ev: &mut Evaluator, v: &Value, span: Option<Span>, who: &str) -> EvalResult<(String, Option<Hash>)> {
    url_hash_and_shape(ev, v, span, who).map(|(url, hash, _)| (url, hash))
}

fn url_hash_and_shape(
    ev: &mut Evaluator,
    v: &Value,
    span: Option<Span>,
    who: &str,
) -> EvalResult<(String, Option<Hash>, CallShape)> {
    let v = ev.force(v)?;
    let Value::Attrs(set) = &v else {
        return Ok((ev.expect_string_no_ctx(&v, span)?, None, CallShape::default()));
    };
    let mut shape = CallShape {
        name: None,
        attrs: true,
    };
    let mut url = None;
    let mut hash = None;
    for a in set.entries().iter() {
        match a.name.as_str() {
            "url" => url = Some(ev.expect_string_no_ctx(&a.value, span)?),
            "sha256" => {
                let text = ev.expect_string_no_ctx(&a.value, span)?;
                // Nix's `newHashAllowEmpty`: `sha256 = ""` is how users ask for the real
                // hash, which the mismatch then reports.
                hash = Some(if text.is_empty() {
                    let zero = Hash::zero(HashAlgo::Sha256);
                    eprintln!("warning: found empty hash, assuming '{}'", zero.to_sri());
                    zero
                } else {
                    Hash::parse_any(&text, Some(HashAlgo::Sha256))
                        .map_err(|e| crate::EvalError::new(crate::ErrorKind::Eval, e.to_string(), span))?
                });
            }
            "name" => {
                let name = ev.expect_string_no_ctx(&a.value, span)?;
                shape.name = Some(name.to_string());
                if name != "source" && who == "fetchTarball" {
                    bail!(
                        span,
                        "{who}: a 'name' other than 'source' is not supported by rnix-eval"
                    );
                }
            }
            other => bail!(span, "unsupported argument '{other}' to '{who}'"),
        }
    }
    let Some(url) = url else {
        bail!(span, "'url' argument required");
    };
    Ok((url, hash, shape))
}

/// The store path name a fetch will use (the `name` given, else the URL's base name),
/// checked as modern Nix does, with its advice for each way of calling (`fetchTree.cc`).
fn fetch_name(url: &str, shape: &CallShape, who: &str, span: Option<Span>) -> EvalResult<String> {
    let name = match &shape.name {
        Some(n) => n.clone(),
        None => url.trim_end_matches('/').rsplit('/').next().unwrap_or("").to_string(),
    };
    let Some(problem) = super::derivation::bad_name(&name) else {
        return Ok(name);
    };
    let advice = if shape.name.is_some() {
        format!("Please change the value for the 'name' attribute passed to '{who}', so that it can create a valid store path.")
    } else if shape.attrs {
        format!("Please add a valid 'name' attribute to the argument for '{who}', so that it can create a valid store path.")
    } else {
        format!("Please pass an attribute set with 'url' and 'name' attributes to '{who}',  so that it can create a valid store path.")
    };
    bail!(
        span,
        "invalid store path name when fetching URL '{url}': {problem}. {advice}"
    )
}

/// `fetchurl`: a flat file in the store, named after the URL.
fn fetchurl(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let (url, sha256, shape) = url_hash_and_shape(ev, &a[0], span, "fetchurl")?;
    let name = fetch_name(&url, &shape, "fetchurl", span)?;
    if ev.io.mode == Mode::Pure && sha256.is_none() {
        bail!(span, "in pure evaluation mode, 'fetchurl' requires a 'sha256' argument");
    }
    if let Some(path) = sha256
        .as_ref()
        .and_then(|h| already_fetched(ev, &name, FileIngestionMethod::Flat, h))
    {
        return Ok(string_with_context(&path, path.clone()));
    }
    let url = absolute_url(&url);
    let Some(file) = rnix_eval_fetch::local_file_path(&url) else {
        bail!(
            span,
            "unable to download '{url}': offline (rnix-eval has no network access)"
        );
    };
    let read = match ev.io.read_file(file) {
        Err(IoError::Denied(msg)) => bail!(span, "{msg}"),
        Err(IoError::Sys(e)) => Err(e),
        Ok(data) => Ok(data),
    };
    let data = match rnix_eval_fetch::downloaded(&url, read) {
        Ok(data) => data,
        Err(e) => bail!(span, "{e}"),
    };
    let hash = Hash::digest(HashAlgo::Sha256, &data);
    if let Some(want) = &sha256 {
        if *want != hash {
            return Err(hash_mismatch(&url, want, Some(&hash), span));
        }
    }
    let dir = ev.store.dir.clone();
    let path = make_fixed_output_path(
        &dir,
        &name,
        FileIngestionMethod::Flat,
        &hash,
        std::iter::empty::<&str>(),
    );
    let source = StoredSource {
        name,
        local_path: file.to_string(),
        recursive: false,
        excluded: Vec::new(),
    };
    ev.store
        .add_source(&path, source)
        .map_err(|m| crate::EvalError::new(crate::ErrorKind::Eval, m, span))?;
    ev.io.allow(&path);
    Ok(string_with_context(&path, path.clone()))
}

fn fetch_mercurial(_ev: &mut Evaluator, _a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    bail!(
        span,
        "fetchMercurial: Mercurial repositories are not supported by rnix-eval"
    )
}

/// `parseFlakeRef "github:o/r?dir=d"`: the input's attributes, plus `dir`.
fn parse_flake_ref(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let text = ev.expect_string_no_ctx(&a[0], span)?;
    let r = FlakeRef::parse(&text, None).map_err(|e| crate::EvalError::new(crate::ErrorKind::Eval, e.0, span))?;
    let mut entries: Vec<Attr> = r
        .input
        .iter()
        .map(|(k, v)| {
            let value = match v {
                AttrValue::Str(s) => Value::string(s.clone()),
                AttrValue::Int(n) => Value::Int(*n as i64),
                AttrValue::Bool(b) => Value::Bool(*b),
            };
            attr(k, value)
        })
        .collect();
    if !r.subdir.is_empty() {
        entries.push(attr("dir", Value::string(r.subdir.clone())));
    }
    Ok(Value::attrs(AttrSet::from_unsorted(entries)))
}

fn flake_ref_to_string(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let set = ev.expect_attrs(&a[0], span)?;
    let input = input_attrs(ev, &set, span, None)?;
    Ok(Value::string(FlakeRef::from_attrs(input).to_url()))
}

fn get_flake(ev: &mut Evaluator, a: &[Value], span: Option<Span>) -> EvalResult<Value> {
    let text = ev.expect_string_no_ctx(&a[0], span)?;
    let Some(mut loader) = ev.flake_loader.take() else {
        bail!(span, "getFlake: flakes are not available in this evaluator");
    };
    let result = loader(ev, &text, span);
    ev.flake_loader = Some(loader);
    result
}
