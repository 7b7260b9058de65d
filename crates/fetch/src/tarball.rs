//! `tarball` and `file` inputs from local files (`file://` URLs): tar archives (plain or
//! compressed with gzip, xz, bzip2 or zstd, told apart by content) and zip archives are
//! unpacked, and a single top-level directory is stripped as Nix does; a `file` input is the file itself. Anything remote needs the network.

use crate::{hash_tree, Attrs, FetchContext, FetchError, FetchResult, Tree};
use std::path::{Path, PathBuf};

pub(crate) fn fetch(ctx: &FetchContext, input: &Attrs) -> FetchResult<Tree> {
    let Some(url) = input.get_str("url") else {
        return Err(FetchError::Other("tarball input lacks a 'url' attribute".into()));
    };
    let Some(file) = crate::local_file_path(url) else {
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

/// Unpack by content, as Nix's libarchive does (the name says nothing: a `.tar.bz2`, a
/// `.tar.zst`, a gzipped file without an extension are all archives to Nix).
fn unpack_archive(name: &str, data: &[u8], dest: &Path) -> FetchResult<()> {
    let bad = |e: std::io::Error| FetchError::Other(format!("unpacking '{name}': {e}"));
    if data.starts_with(b"PK\x03\x04") || data.starts_with(b"PK\x05\x06") {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(data))
            .map_err(|e| FetchError::Other(format!("unpacking '{name}': {e}")))?;
        return archive
            .extract(dest)
            .map_err(|e| FetchError::Other(format!("unpacking '{name}': {e}")));
    }
    let reader: Box<dyn std::io::Read> = match Compression::of(data) {
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(data)),
        Compression::Xz => Box::new(xz2::read::XzDecoder::new_multi_decoder(data)),
        Compression::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(data)),
        Compression::Zstd => Box::new(
            ruzstd::decoding::StreamingDecoder::new(data)
                .map_err(|e| FetchError::Other(format!("unpacking '{name}': {e}")))?,
        ),
        Compression::None => Box::new(data),
    };
    let mut archive = tar::Archive::new(reader);
    archive.set_preserve_mtime(true);
    archive.set_preserve_permissions(true);
    archive.unpack(dest).map_err(bad)
}

#[derive(Debug, PartialEq)]
enum Compression {
    Gzip,
    Xz,
    Bzip2,
    Zstd,
    None,
}

impl Compression {
    /// From the stream's magic number.
    fn of(data: &[u8]) -> Compression {
        if data.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if data.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
            Compression::Xz
        } else if data.starts_with(b"BZh") {
            Compression::Bzip2
        } else if data.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn tar_of(name: &str, content: &[u8]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        let mut header = tar::Header::new_gnu();
        header.set_size(content.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, name, content).unwrap();
        builder.into_inner().unwrap()
    }

    /// Every compression Nix's libarchive reads, whatever the file is called.
    #[test]
    fn archives_are_unpacked_by_content_not_name() {
        let tar = tar_of("top/hello.txt", b"hi\n");
        let gz = {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(&tar).unwrap();
            e.finish().unwrap()
        };
        let xz = {
            let mut e = xz2::write::XzEncoder::new(Vec::new(), 6);
            e.write_all(&tar).unwrap();
            e.finish().unwrap()
        };
        let bz2 = {
            let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
            e.write_all(&tar).unwrap();
            e.finish().unwrap()
        };
        let zst = ruzstd::encoding::compress_to_vec(&tar[..], ruzstd::encoding::CompressionLevel::Fastest);
        for (kind, data, want) in [
            ("tar", &tar, Compression::None),
            ("gz", &gz, Compression::Gzip),
            ("xz", &xz, Compression::Xz),
            ("bz2", &bz2, Compression::Bzip2),
            ("zst", &zst, Compression::Zstd),
        ] {
            assert_eq!(Compression::of(data), want, "{kind}");
            let dest = tempfile::tempdir().unwrap();
            // A name that says nothing of the format.
            unpack_archive("download", data, dest.path()).unwrap_or_else(|e| panic!("{kind}: {e:?}"));
            let text = std::fs::read_to_string(dest.path().join("top/hello.txt")).unwrap();
            assert_eq!(text, "hi\n", "{kind}");
        }
    }
}
