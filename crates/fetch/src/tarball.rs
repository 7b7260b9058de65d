//! `tarball` and `file` inputs from local files (`file://` URLs): `.tar`, `.tar.gz`,
//! `.tgz`, `.tar.xz`, `.zip` are unpacked, and a single top-level directory is stripped as
//! Nix does; a `file` input is the file itself. Anything remote needs the network.

use crate::{hash_tree, Attrs, FetchContext, FetchError, FetchResult, Tree};
use std::path::{Path, PathBuf};

pub(crate) fn fetch(ctx: &FetchContext, input: &Attrs) -> FetchResult<Tree> {
    let Some(url) = input.get_str("url") else {
        return Err(FetchError::Other("tarball input lacks a 'url' attribute".into()));
    };
    let Some(file) = url.strip_prefix("file://") else {
        return crate::from_store(ctx, input);
    };
    let data = std::fs::read(file).map_err(|e| FetchError::Other(format!("unable to download '{url}': {e}")))?;
    let key = format!("tarball-{}", blake3::hash(&data).to_hex());
    let unpack = input.get_str("type") == Some("tarball");
    let (hash, mtime) = match ctx.cache.record(&key).and_then(|r| parse_record(&r)) {
        Some(hit) if ctx.cache.tree(&hit.0.to_nix32()).exists() => hit,
        _ => {
            let scratch = ctx.cache.scratch()?;
            let content = if unpack {
                unpack_archive(file, &data, &scratch)?;
                single_top_level(&scratch)?
            } else {
                let name = file.rsplit('/').next().unwrap_or("file");
                let target = scratch.join(name);
                std::fs::write(&target, &data)?;
                target
            };
            let (hash, mtime, _) = hash_tree(&content, &mut |_| true)?;
            // The tree is kept with the unpacked root as its top.
            let tree_dir = ctx.cache.scratch()?;
            std::fs::remove_dir(&tree_dir)?;
            std::fs::rename(&content, &tree_dir)?;
            let _ = std::fs::remove_dir_all(&scratch);
            ctx.cache.commit(&tree_dir, &hash.to_nix32())?;
            ctx.cache.set_record(&key, &format!("{} {mtime}", hash.to_sri()));
            (hash, mtime)
        }
    };
    // Nix 2.8 locks tarballs by their narHash alone (newer Nix adds `lastModified`).
    let _ = mtime;
    let mut locked = input.clone();
    locked.set("narHash", hash.to_sri());
    let store = PathBuf::from(ctx.source_path(&hash, "source"));
    let local = if store.exists() {
        store.clone()
    } else {
        ctx.cache.tree(&hash.to_nix32())
    };
    Ok(Tree {
        store_path: store.to_string_lossy().into_owned(),
        local,
        locked,
    })
}

fn parse_record(text: &str) -> Option<(rnix_eval_store::hash::Hash, i64)> {
    let (hash, mtime) = text.trim().split_once(' ')?;
    Some((crate::parse_sri(hash).ok()?, mtime.parse().ok()?))
}

fn unpack_archive(name: &str, data: &[u8], dest: &Path) -> FetchResult<()> {
    let bad = |e: std::io::Error| FetchError::Other(format!("unpacking '{name}': {e}"));
    if name.ends_with(".zip") {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(data))
            .map_err(|e| FetchError::Other(format!("unpacking '{name}': {e}")))?;
        return archive
            .extract(dest)
            .map_err(|e| FetchError::Other(format!("unpacking '{name}': {e}")));
    }
    let reader: Box<dyn std::io::Read> = if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
        Box::new(flate2::read::GzDecoder::new(data))
    } else if name.ends_with(".tar.xz") {
        Box::new(xz2::read::XzDecoder::new(data))
    } else {
        Box::new(data)
    };
    let mut archive = tar::Archive::new(reader);
    archive.set_preserve_mtime(true);
    archive.set_preserve_permissions(true);
    archive.unpack(dest).map_err(bad)
}

/// Nix strips a single top-level directory; an archive with several entries at the top
/// is its own root.
fn single_top_level(dir: &Path) -> FetchResult<PathBuf> {
    let entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    match entries.as_slice() {
        [only] if only.file_type()?.is_dir() => Ok(only.path()),
        [] => Err(FetchError::Other("tarball is empty".into())),
        _ => Ok(dir.to_path_buf()),
    }
}
