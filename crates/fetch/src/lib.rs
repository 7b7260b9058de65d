//! Flake references and fetchers, without evaluator types.
//!
//! An [`Input`] is a set of attributes (`type`, `url`, `rev`, `narHash`, ...) as Nix's
//! `fetchers::Input` has them; [`FlakeRef`] adds the subdirectory of a flake. [`fetch`]
//! turns an input into a tree: its store path (always computed as Nix computes it: a
//! NAR hash, then `source`'s fixed-output path), the local directory that holds exactly
//! the store path's contents (the store path itself when valid, else a copy in the
//! fetcher cache, or the source directory of a `path:` input), and the locked attributes
//! that go into `flake.lock` and `sourceInfo`.
//!
//! These machines have no network: git repositories and tarballs are read from local
//! paths (`file://`, `git+file://`); anything remote is answered from the store (the path
//! its locked `narHash` gives) or refused with an "offline" error.

mod attrs;
mod cache;
pub mod flakeref;
mod git;
mod path;
mod tarball;

pub use attrs::{AttrValue, Attrs};
pub use cache::FetchCache;
pub use flakeref::{input_to_url, FlakeRef, ParseError};
pub use git::intent_to_add as git_intent_to_add;
pub use path::{fetch_at as fetch_path_at, store_mtime};

use rnix_eval_store::hash::{Hash, HashAlgo};
use rnix_eval_store::store_path::{make_fixed_output_path, FileIngestionMethod};
use std::path::{Path, PathBuf};

/// A fetched tree.
#[derive(Clone, Debug)]
pub struct Tree {
    /// `/nix/store/<hash>-source`.
    pub store_path: String,
    /// A directory whose contents are exactly the store path's.
    pub local: PathBuf,
    /// The locked input: the original's attributes plus `narHash`, `rev`, `lastModified`...
    pub locked: Attrs,
    /// The local Git work tree the files were taken from (no `rev` or `ref` asked for):
    /// a file missing from the tree may be one Git does not track there, which modern
    /// Nix's message says (`makeNotAllowedError`).
    pub work_tree: Option<PathBuf>,
}

impl Tree {
    pub fn nar_hash(&self) -> Option<&str> {
        self.locked.get_str("narHash")
    }
}

#[derive(Debug)]
pub enum FetchError {
    /// Needs the network, which this machine does not have.
    Offline(String),
    /// Anything else, worded for the user.
    Other(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Offline(url) => write!(f, "cannot fetch '{url}': offline"),
            FetchError::Other(m) => f.write_str(m),
        }
    }
}

impl From<std::io::Error> for FetchError {
    fn from(e: std::io::Error) -> Self {
        FetchError::Other(e.to_string())
    }
}

pub type FetchResult<T> = Result<T, FetchError>;

/// What a fetch needs to know of its surroundings.
pub struct FetchContext {
    pub store_dir: String,
    pub cache: FetchCache,
}

impl FetchContext {
    pub fn new(store_dir: String) -> FetchContext {
        FetchContext {
            store_dir,
            cache: FetchCache::default_location(),
        }
    }

    /// `source`'s store path for a tree with this NAR hash.
    pub fn source_path(&self, nar_hash: &Hash, name: &str) -> String {
        make_fixed_output_path(
            &self.store_dir,
            name,
            FileIngestionMethod::Recursive,
            nar_hash,
            std::iter::empty::<&str>(),
        )
    }
}

/// Fetch `input` (relative `path:` inputs are resolved by the caller). Checks a given
/// `narHash`.
pub fn fetch(ctx: &FetchContext, input: &Attrs) -> FetchResult<Tree> {
    if let Some(tree) = already_fetched(ctx, input) {
        return Ok(tree);
    }
    let tree = match input.get_str("type") {
        Some("path") => path::fetch(ctx, input)?,
        Some("git") => git::fetch(ctx, input)?,
        Some("tarball") | Some("file") => tarball::fetch(ctx, input)?,
        Some("github") | Some("gitlab") | Some("sourcehut") | Some("mercurial") => from_store(ctx, input)?,
        Some("indirect") => {
            return Err(FetchError::Other(format!(
                "cannot find flake '{}' in the flake registries (rnix-eval does not consult registries)",
                flakeref::input_to_url(input)
            )))
        }
        Some(other) => return Err(FetchError::Other(format!("input type '{other}' is not supported"))),
        None => return Err(FetchError::Other("input lacks a 'type' attribute".into())),
    };
    if let Some(want) = input.get_str("narHash") {
        let got = tree.nar_hash().unwrap_or("");
        if parse_sri(want)?.to_sri() != got {
            return Err(FetchError::Other(format!(
                "NAR hash mismatch in input '{}' ({}), expected '{want}', got '{got}'",
                flakeref::input_to_url(input),
                tree.store_path
            )));
        }
    }
    Ok(tree)
}

/// A locked `path:`, tarball, file or git input whose tree is in the store (or the
/// fetcher cache) already: taken from there without reading the source again, as Nix's
/// `Input::fetch` does when the input "has all info" (modern Nix: a final input with a
/// `narHash`). A local flake input edited since its lock was written is thus still the
/// locked tree until the lock is updated; so is a dirty git input, such as a subflake of
/// the flake's own work tree, which the new `flake.lock` itself made dirtier.
pub fn already_fetched(ctx: &FetchContext, input: &Attrs) -> Option<Tree> {
    match input.get_str("type")? {
        "path" | "tarball" | "file" => {}
        "git" if git::has_all_info(input) => {}
        _ => return None,
    }
    let hash = parse_sri(input.get_str("narHash")?).ok()?;
    let store_path = ctx.source_path(&hash, "source");
    let local = if Path::new(&store_path).exists() {
        PathBuf::from(&store_path)
    } else {
        Some(ctx.cache.tree(&hash.to_nix32())).filter(|t| t.exists())?
    };
    Some(Tree {
        store_path,
        local,
        locked: input.clone(),
        work_tree: None,
    })
}

/// A remote input can only come from the store: the path its `narHash` names.
fn from_store(ctx: &FetchContext, input: &Attrs) -> FetchResult<Tree> {
    let url = flakeref::input_to_url(input);
    let Some(nar_hash) = input.get_str("narHash") else {
        return Err(FetchError::Offline(url));
    };
    let store_path = ctx.source_path(&parse_sri(nar_hash)?, "source");
    if !Path::new(&store_path).exists() {
        return Err(FetchError::Offline(url));
    }
    let mut locked = input.clone();
    locked.set("narHash", nar_hash);
    Ok(Tree {
        local: PathBuf::from(&store_path),
        store_path,
        locked,
        work_tree: None,
    })
}

pub(crate) fn parse_sri(text: &str) -> FetchResult<Hash> {
    Hash::parse_any(text, Some(HashAlgo::Sha256))
        .map_err(|e| FetchError::Other(format!("invalid narHash '{text}': {e}")))
}

/// The NAR hash of `dir` keeping only the entries `keep` accepts, the greatest
/// modification time seen (Nix's `dumpPathAndGetMtime`) and the NAR's size.
pub(crate) fn hash_tree(dir: &Path, keep: &mut dyn FnMut(&Path) -> bool) -> FetchResult<(Hash, i64, u64)> {
    let mut mtime = 0i64;
    let result = rnix_eval_store::nar::hash_path(dir, HashAlgo::Sha256, &mut |p: &Path, _| {
        if !keep(p) {
            return Ok::<bool, std::io::Error>(false);
        }
        if let Ok(m) = std::fs::symlink_metadata(p) {
            use std::os::unix::fs::MetadataExt;
            mtime = mtime.max(m.mtime());
        }
        Ok(true)
    });
    match result {
        Ok((hash, size)) => Ok((hash, mtime, size)),
        Err(rnix_eval_store::nar::NarError::Io(e)) => Err(FetchError::Other(e.to_string())),
        Err(rnix_eval_store::nar::NarError::Filter(e)) => Err(FetchError::Other(e.to_string())),
    }
}

/// What downloading the `file://` URL `url` gives, from `read`, the reading of its file:
/// as Nix's curl download, a folder reads as empty, and a file that cannot be read fails
/// with curl's message (`fetchTarball`, `fetchurl`, tarball and file inputs).
pub fn downloaded(url: &str, read: std::io::Result<Vec<u8>>) -> FetchResult<Vec<u8>> {
    match read {
        Ok(data) => Ok(data),
        Err(e) if e.kind() == std::io::ErrorKind::IsADirectory => Ok(Vec::new()),
        Err(_) => Err(FetchError::Other(format!(
            "unable to download '{url}': Couldn't read a file:// file (37)"
        ))),
    }
}

/// The local path of a `file:` URL: `file:///abs` and also `file:/abs` (no authority),
/// which Nix's URL parser reads alike and keeps as written in lock files.
pub fn local_file_path(url: &str) -> Option<&str> {
    // The query (`?dir=`, a parameter kept in a tarball URL) names no file, as for curl.
    let rest = url.strip_prefix("file:")?.split('?').next()?;
    match rest.strip_prefix("//") {
        Some(path) => Some(path),
        None => rest.starts_with('/').then_some(rest),
    }
}

/// `lastModifiedDate`: `%Y%m%d%H%M%S` in UTC.
pub fn last_modified_date(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}{m:02}{d:02}{:02}{:02}{:02}", rem / 3600, rem / 60 % 60, rem % 60)
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_with_and_without_an_authority_name_local_paths() {
        assert_eq!(local_file_path("file:///tmp/repo"), Some("/tmp/repo"));
        assert_eq!(local_file_path("file:/tmp/repo"), Some("/tmp/repo"));
        assert_eq!(local_file_path("file:repo"), None);
        assert_eq!(
            local_file_path("file:///tmp/a.tar.gz?dir=sub&x=1"),
            Some("/tmp/a.tar.gz")
        );
        assert_eq!(local_file_path("https://example.org/x"), None);
    }

    #[test]
    fn last_modified_dates_match_gmtime() {
        // `date -u -d @N +%Y%m%d%H%M%S`
        assert_eq!(last_modified_date(0), "19700101000000");
        assert_eq!(last_modified_date(1), "19700101000001");
        assert_eq!(last_modified_date(1796162444), "20261201220044");
        assert_eq!(last_modified_date(951782400), "20000229000000");
    }
}
