//! `path:` inputs: a local directory, copied whole (no `.git` filtering, as in Nix).

use crate::{hash_tree, Attrs, FetchContext, FetchError, FetchResult, Tree};
use std::path::Path;

/// Nix's `narBufferSize` setting (default 32 MiB).
const NAR_BUFFER_SIZE: u64 = 32 << 20;

pub(crate) fn fetch(ctx: &FetchContext, input: &Attrs) -> FetchResult<Tree> {
    let Some(path) = input.get_str("path") else {
        return Err(FetchError::Other("path input lacks a 'path' attribute".into()));
    };
    if !path.starts_with('/') {
        return Err(FetchError::Other(format!("path '{path}' is not absolute")));
    }
    let in_store = store_mtime(path, &ctx.store_dir);
    fetch_at(ctx, input, Path::new(path), in_store)
}

/// The `lastModified` of a `path:` input at `path` in the store, `None` outside it.
/// Nix's `PathInputScheme` takes a valid store path named `source` as it is, without
/// reading its mtime (0); a path inside a store path is dumped, and has the store's
/// mtime, 1.
pub fn store_mtime(path: &str, store_dir: &str) -> Option<u64> {
    let rest = path.strip_prefix(store_dir)?.strip_prefix('/')?;
    let rest = rest.trim_end_matches('/');
    Some(if !rest.contains('/') && rest.ends_with("-source") {
        0
    } else {
        1
    })
}

/// A `path:` input whose files are at `dir` (for a relative input of a flake that is
/// served from the fetcher cache, not where its `path` says). `in_store`: the path lies
/// in the store, and its `lastModified` is this ([`store_mtime`]).
pub fn fetch_at(ctx: &FetchContext, input: &Attrs, dir: &Path, in_store: Option<u64>) -> FetchResult<Tree> {
    let path = dir.to_string_lossy();
    if std::fs::symlink_metadata(dir).is_err() {
        return Err(FetchError::Other(format!(
            "getting status of '{path}': No such file or directory"
        )));
    }
    let (hash, mtime, nar_size) = hash_tree(dir, &mut |_| true)?;
    // Nix's `dumpPathAndGetMtime` counts the path itself too: a file input's own mtime, a
    // directory's when an entry was removed last.
    let mtime = {
        use std::os::unix::fs::MetadataExt;
        std::fs::symlink_metadata(dir).map_or(mtime, |m| mtime.max(m.mtime()))
    };
    // Nix 2.8 reads the NAR into a 32 MiB buffer and streams the rest; for a larger NAR
    // the dump never returns, and its mtime stays 0 (`LocalStore::addToStoreFromDump`).
    let mtime = if nar_size < NAR_BUFFER_SIZE { mtime } else { 0 };
    // Files in the store have mtime 1: a path inside a store path (a relative input of a
    // flake that was itself copied) reports that, as Nix's `dumpPathAndGetMtime` does.
    let store_path = ctx.source_path(&hash, "source");
    let mut locked = input.clone();
    locked.set("narHash", hash.to_sri());
    if locked.get("lastModified").is_none() {
        locked.set("lastModified", in_store.unwrap_or(mtime.max(0) as u64));
    }
    Ok(Tree {
        store_path,
        local: dir.to_path_buf(),
        locked,
        work_tree: None,
    })
}
