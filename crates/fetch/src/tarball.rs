//! `tarball` and `file` inputs from local files (`file://` URLs): tar archives (plain or
//! compressed with gzip, xz, bzip2 or zstd, told apart by content) and zip archives are
//! unpacked, and a single top-level directory is stripped as Nix does; a `file` input is the file itself. Anything remote needs the network.

use crate::{hash_tree, Attrs, FetchContext, FetchError, FetchResult, Tree};
use std::path::{Path, PathBuf};

pub(crate) fn fetch(ctx: &FetchContext, input: &Attrs) -> FetchResult<Tree> {
    let Some(url) = input.get_str("url") else {
        return Err(FetchError::Other("tarball input lacks a 'url' attribute".into()));
    };
    let Some(file) = crate::local_file_path(url).filter(|f| f.starts_with('/')) else {
        if url.starts_with("file:") {
            // Modern Nix's friendly message (`downloadTarball_`): a `file:` URL is local.
            return Err(FetchError::Other(format!(
                "tarball '{url}' must use an absolute path. The 'file' scheme does not support relative paths."
            )));
        }
        return crate::from_store(ctx, input);
    };
    let data = crate::downloaded(url, std::fs::read(file))?;
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
        work_tree: None,
    })
}

fn parse_record(text: &str) -> Option<(rnix_eval_store::hash::Hash, i64)> {
    let (hash, mtime) = text.trim().split_once(' ')?;
    Some((crate::parse_sri(hash).ok()?, mtime.parse().ok()?))
}

/// Unpack by content, as Nix's libarchive does (the name says nothing: a `.tar.bz2`, a
/// `.tar.zst`, a gzipped file without an extension are all archives to Nix).
fn unpack_archive(name: &str, data: &[u8], dest: &Path) -> FetchResult<()> {
    let gzip = Compression::of(data) == Compression::Gzip;
    let bad = |e: std::io::Error| {
        FetchError::Other(if gzip && e.kind() == std::io::ErrorKind::UnexpectedEof {
            "failed to extract archive (truncated gzip input)".to_string()
        } else {
            format!("unpacking '{name}': {}", rnix_eval_store::io_reason(&e))
        })
    };
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
    let reader = opened(reader, gzip)?;
    let mut archive = tar::Archive::new(reader);
    archive.set_preserve_mtime(true);
    archive.set_preserve_permissions(true);
    archive.unpack(dest).map_err(bad)
}

/// The decompressed stream, once its first block shows an archive libarchive would open:
/// a tar header (or the zero block of an empty archive), or nothing at all. Anything else
/// (an HTML error page, a compressed text) fails as Nix's `archive_read_open` does, and so
/// does a stream that ends early within the first 64 KiB, libarchive's first read.
fn opened(mut reader: Box<dyn std::io::Read + '_>, gzip: bool) -> FetchResult<impl std::io::Read + '_> {
    use std::io::Read;
    const FIRST_READ: u64 = 64 * 1024;
    let mut first = Vec::with_capacity(FIRST_READ as usize);
    if let Err(e) = reader.by_ref().take(FIRST_READ).read_to_end(&mut first) {
        let reason = if gzip && e.kind() == std::io::ErrorKind::UnexpectedEof {
            "truncated gzip input".to_string()
        } else {
            rnix_eval_store::io_reason(&e)
        };
        return Err(FetchError::Other(format!("failed to open archive: {reason}")));
    }
    if !first.is_empty() && !is_tar_block(&first) {
        return Err(FetchError::Other(
            "failed to open archive: Unrecognized archive format".into(),
        ));
    }
    Ok(std::io::Cursor::new(first).chain(reader))
}

/// A tar header whose checksum holds (unsigned or signed byte sums, as libarchive's tar
/// reader accepts), or an all-zero block.
fn is_tar_block(block: &[u8]) -> bool {
    let Some(block) = block.get(..512) else {
        return false;
    };
    if block.iter().all(|&b| b == 0) {
        return true;
    }
    let field = &block[148..156];
    let mut digits = field
        .iter()
        .skip_while(|&&b| b == b' ' || b == 0)
        .take_while(|&&b| (b'0'..=b'7').contains(&b));
    let Some(stored) = digits.try_fold(0u32, |n, &d| n.checked_mul(8)?.checked_add(u32::from(d - b'0'))) else {
        return false;
    };
    let blank = |i: usize| (148..156).contains(&i);
    let unsigned: u32 = block
        .iter()
        .enumerate()
        .map(|(i, &b)| if blank(i) { 32 } else { u32::from(b) })
        .sum();
    let signed: i64 = block
        .iter()
        .enumerate()
        .map(|(i, &b)| if blank(i) { 32 } else { i64::from(b as i8) })
        .sum();
    stored == unsigned || i64::from(stored) == signed
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

    /// libarchive opens a tar stream, an empty one and nothing else (the HTML page a wrong
    /// URL gives is the usual mistake), and says so as it does.
    #[test]
    fn only_archives_open() {
        let tar = tar_of("top/f", b"x");
        assert!(is_tar_block(&tar));
        assert!(is_tar_block(&[0; 512]));
        let mut broken = tar.clone();
        broken[0] ^= 1;
        assert!(!is_tar_block(&broken), "a header whose checksum fails");
        let page = b"<html>Not Found</html>\n".repeat(40);
        assert!(!is_tar_block(&page));
        let dest = tempfile::tempdir().unwrap();
        let err = unpack_archive("page", &page, dest.path()).unwrap_err();
        assert_eq!(format!("{err}"), "failed to open archive: Unrecognized archive format");
        unpack_archive("empty", b"", dest.path()).unwrap();
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
