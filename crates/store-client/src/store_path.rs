//! Store paths: `<store_dir>/<32 chars of nix32>-<name>`, and how Nix derives the hash part
//! from what a path is (`Store::makeStorePath` and friends in `src/libstore/store-api.cc`,
//! name rules from `checkName` in `src/libstore/path.cc`, both as in Nix 2.8).
//!
//! The hash part is the Nix base-32 of a SHA-256, XOR-folded to 20 bytes, of the "fingerprint"
//! `<type>:sha256:<base16 inner hash>:<store_dir>:<name>`; `<type>` says what kind of object it
//! is (`text:<refs>`, `source:<refs>`, `output:<id>`), so different kinds never collide.

use std::collections::BTreeSet;
use std::fmt;

use crate::hash::{Hash, HashAlgo};
use crate::nix32;

/// Length of the hash part of a store path's base name.
pub const HASH_PART_LEN: usize = 32;

/// The longest name Nix 2.8 accepts.
pub const MAX_NAME_LEN: usize = 211;

/// How a file system object is turned into bytes to hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileIngestionMethod {
    /// The contents of a single regular file.
    Flat,
    /// The NAR serialisation of the path.
    Recursive,
}

impl FileIngestionMethod {
    /// `Recursive` for `true` (Nix's `recursive = true`, `outputHashMode = "recursive"`).
    pub fn from_recursive(recursive: bool) -> FileIngestionMethod {
        if recursive {
            FileIngestionMethod::Recursive
        } else {
            FileIngestionMethod::Flat
        }
    }

    /// `""` or `"r:"`, as written before the algorithm in .drv files and fingerprints
    /// (`makeFileIngestionPrefix`).
    pub fn prefix(self) -> &'static str {
        match self {
            FileIngestionMethod::Flat => "",
            FileIngestionMethod::Recursive => "r:",
        }
    }
}

/// A store path that cannot be (Nix's `BadStorePath`); `Display` gives Nix 2.8's message.
/// Each variant carries the base name (`<hash>-<name>`) the message quotes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorePathError {
    /// `store path '…' has an empty name`
    EmptyName(String),
    /// `store path '…' has a name longer than 211 characters`
    NameTooLong(String),
    /// `store path '…' contains illegal character '…'`. Nix prints the offending *byte*; for a
    /// non-ASCII character we print the whole character.
    IllegalChar(String, char),
}

impl fmt::Display for StorePathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorePathError::EmptyName(p) => write!(f, "store path '{p}' has an empty name"),
            StorePathError::NameTooLong(p) => {
                write!(f, "store path '{p}' has a name longer than {MAX_NAME_LEN} characters")
            }
            StorePathError::IllegalChar(p, c) => write!(f, "store path '{p}' contains illegal character '{c}'"),
        }
    }
}

impl std::error::Error for StorePathError {}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | '_' | '?' | '=')
}

/// Nix 2.8's `checkName`: non-empty, at most 211 bytes, only `[A-Za-z0-9+-._?=]` (a leading
/// '.' is allowed in 2.8). `base_name` is only used in the message.
pub fn check_name(base_name: &str, name: &str) -> Result<(), StorePathError> {
    if name.is_empty() {
        return Err(StorePathError::EmptyName(base_name.to_owned()));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(StorePathError::NameTooLong(base_name.to_owned()));
    }
    match name.chars().find(|&c| !is_name_char(c)) {
        Some(c) => Err(StorePathError::IllegalChar(base_name.to_owned(), c)),
        None => Ok(()),
    }
}

/// [`check_name`] with the name standing for the whole base name in the message. To report
/// the full `<hash>-<name>` as Nix does, check a path made by the `make_*` functions with
/// [`check_store_path_name`].
pub fn validate_name(name: &str) -> Result<(), String> {
    check_name(name, name).map_err(|e| e.to_string())
}

/// Checks the name of a path built by one of the `make_*` functions (which do not check, so
/// that the caller decides when a bad name is an error), with Nix's message quoting the base
/// name `<hash>-<name>`: the error `builtins.toFile "a b" …` gives. The name is everything after
/// the hash part and its separator, so a name containing '/' is reported, not split.
pub fn check_store_path_name(store_dir: &str, path: &str) -> Result<(), StorePathError> {
    let base = base_name(store_dir, path);
    check_name(base, base.get(HASH_PART_LEN + 1..).unwrap_or(""))
}

/// `path` without `<store_dir>/` (all of it if it is not in the store directory).
fn base_name<'a>(store_dir: &str, path: &'a str) -> &'a str {
    path.strip_prefix(store_dir)
        .and_then(|p| p.strip_prefix('/'))
        .unwrap_or(path)
}

/// XOR-folds `bytes` into `size` bytes (Nix's `compressHash`).
pub fn compress_hash(bytes: &[u8], size: usize) -> Vec<u8> {
    let mut out = vec![0u8; size];
    if size == 0 {
        return out;
    }
    for (i, b) in bytes.iter().enumerate() {
        out[i % size] ^= b;
    }
    out
}

/// `<store_dir>/<hash part>-<name>` for a fingerprint of type `path_type` over `inner`
/// (Nix's `Store::makeStorePath`). `inner` is normally a SHA-256. The name is not checked:
/// see [`check_store_path_name`].
pub fn make_store_path(store_dir: &str, path_type: &str, inner: &Hash, name: &str) -> String {
    let fingerprint = format!("{path_type}:{}:{store_dir}:{name}", inner.to_base16_prefixed());
    let digest = Hash::digest(HashAlgo::Sha256, fingerprint.as_bytes());
    format!(
        "{store_dir}/{}-{name}",
        nix32::encode(&compress_hash(digest.as_bytes(), 20))
    )
}

/// `type:ref1:ref2…` with the references sorted and deduplicated (Nix's `makeType`).
fn make_type<'a>(mut ty: String, references: impl IntoIterator<Item = &'a str>) -> String {
    for r in references.into_iter().collect::<BTreeSet<_>>() {
        ty.push(':');
        ty.push_str(r);
    }
    ty
}

/// The path of a text file added with references (`builtins.toFile`, .drv files):
/// type `text:<refs>` over the SHA-256 of the contents (Nix's `makeTextPath`).
pub fn make_text_path<'a>(
    store_dir: &str,
    name: &str,
    content_sha256: &Hash,
    references: impl IntoIterator<Item = &'a str>,
) -> String {
    make_store_path(
        store_dir,
        &make_type("text".to_owned(), references),
        content_sha256,
        name,
    )
}

/// The path of content-addressed data (`nix-store --add`, `builtins.path`, fixed-output
/// derivations); Nix's `makeFixedOutputPath`. A recursive SHA-256 is type `source:<refs>` over
/// the NAR hash; anything else is type `output:out` over the SHA-256 of
/// `fixed:out:<r:?><algo>:<base16>:`. References only exist in the `source` case (Nix asserts
/// there are none otherwise); they are ignored in the other.
pub fn make_fixed_output_path<'a>(
    store_dir: &str,
    name: &str,
    method: FileIngestionMethod,
    hash: &Hash,
    references: impl IntoIterator<Item = &'a str>,
) -> String {
    if hash.algo() == HashAlgo::Sha256 && method == FileIngestionMethod::Recursive {
        make_store_path(store_dir, &make_type("source".to_owned(), references), hash, name)
    } else {
        let inner = format!("fixed:out:{}{}:", method.prefix(), hash.to_base16_prefixed());
        make_store_path(
            store_dir,
            "output:out",
            &Hash::digest(HashAlgo::Sha256, inner.as_bytes()),
            name,
        )
    }
}

/// `drv_name`, or `drv_name-output` for outputs other than `out` (Nix's `outputPathName`).
pub fn output_path_name(drv_name: &str, output_name: &str) -> String {
    if output_name == "out" {
        drv_name.to_owned()
    } else {
        format!("{drv_name}-{output_name}")
    }
}

/// The path of an input-addressed derivation output: type `output:<id>` over the derivation's
/// modulo hash (Nix's `makeOutputPath`).
pub fn make_output_path(store_dir: &str, output_name: &str, drv_hash: &Hash, drv_name: &str) -> String {
    make_store_path(
        store_dir,
        &format!("output:{output_name}"),
        drv_hash,
        &output_path_name(drv_name, output_name),
    )
}

/// Splits `<store_dir>/<hash>-<name>` into `(hash part, name)`, checking the hash part's
/// characters and the name like Nix's `parseStorePath`. The path must be directly in the store,
/// without a trailing slash or sub-path: Nix would canonicalise `//`, `.` and `..` first, we
/// don't. Like Nix 2.8 we do not check that the separator is a '-' (it skips that byte).
pub fn parse_store_path<'a>(store_dir: &str, path: &'a str) -> Option<(&'a str, &'a str)> {
    let base = path.strip_prefix(store_dir)?.strip_prefix('/')?;
    if bad_store_path(store_dir, path).is_some() {
        return None;
    }
    // Checked: the hash part is ASCII and a name follows its separator.
    Some((&base[..HASH_PART_LEN], &base[HASH_PART_LEN + 1..]))
}

/// Why the store entry `entry` (`<store_dir>/<base name>`) cannot be a store path, in modern
/// Nix's words (`StorePath::StorePath`: too short, a character outside the hash alphabet in
/// the hash part, then the name's own checks). Nix 2.8 asked the file system instead.
pub fn bad_store_path(store_dir: &str, entry: &str) -> Option<String> {
    let base = base_name(store_dir, entry);
    let Some(hash_part) = base.get(..HASH_PART_LEN).filter(|_| base.len() > HASH_PART_LEN) else {
        return Some(format!("'{base}' is too short to be a valid store path"));
    };
    if let Some(c) = hash_part
        .chars()
        .find(|c| !c.is_ascii() || !nix32::ALPHABET.contains(&(*c as u8)))
    {
        return Some(format!("store path '{base}' contains illegal base-32 character '{c}'"));
    }
    let name = base.get(HASH_PART_LEN + 1..).unwrap_or(&base[HASH_PART_LEN..]);
    check_name(base, name).err().map(|e| e.to_string())
}

/// The top-level store entry `path` is in or is (`/nix/store/x-a/b/c` -> `/nix/store/x-a`),
/// as a slice of `path`; `None` outside the store and for the store directory itself.
/// Only the shape is looked at: [`parse_store_path`] checks the name.
pub fn store_entry_of<'a>(store_dir: &str, path: &'a str) -> Option<&'a str> {
    let rest = path.strip_prefix(store_dir)?.strip_prefix('/')?;
    let base = rest.split('/').next()?;
    if base.is_empty() {
        return None;
    }
    Some(&path[..store_dir.len() + 1 + base.len()])
}

/// Whether `path` is a store path (not a path inside one).
pub fn is_store_path(store_dir: &str, path: &str) -> bool {
    parse_store_path(store_dir, path).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_entries_of_paths() {
        let x = "/nix/store/00000000000000000000000000000000-a";
        assert_eq!(store_entry_of(STORE, &format!("{x}/b/c")), Some(x));
        assert_eq!(store_entry_of(STORE, x), Some(x));
        assert_eq!(store_entry_of(STORE, "/nix/store"), None);
        assert_eq!(store_entry_of(STORE, "/nix/store/"), None);
        assert_eq!(store_entry_of(STORE, "/nix/storex/a"), None);
        assert_eq!(store_entry_of(STORE, "/tmp/a"), None);
    }

    const STORE: &str = "/nix/store";

    fn sha256(base16: &str) -> Hash {
        Hash::parse_non_sri_unprefixed(base16, HashAlgo::Sha256).unwrap()
    }

    #[test]
    fn flat_and_recursive_adds() {
        // `nix-hash --type sha256 /tmp/hx/abc.txt` (NAR hash of a file holding "abc") and
        // `nix-store --add /tmp/hx/abc.txt`.
        let nar = sha256("11a71b4754d812f4aea20161c533bdaa112ac5c853013e65d3aa9640b5735230");
        assert_eq!(
            make_fixed_output_path(STORE, "abc.txt", FileIngestionMethod::Recursive, &nar, []),
            "/nix/store/i39nnwzm6y4ghrdqjlpkmj5c8pnyfkg5-abc.txt"
        );
        // `nix-store --add-fixed sha256 /tmp/hx/abc.txt` over `nix-hash --flat --type sha256` of it.
        let flat = sha256("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(
            make_fixed_output_path(STORE, "abc.txt", FileIngestionMethod::Flat, &flat, []),
            "/nix/store/dim6ck98h1xpn4m1pa24kfxcd1vg9m22-abc.txt"
        );
        // `nix-store --add-fixed md5 /tmp/hx/abc.txt`, `nix-store --add-fixed sha512 /tmp/hx/abc.txt`.
        let md5 = Hash::parse_non_sri_unprefixed("900150983cd24fb0d6963f7d28e17f72", HashAlgo::Md5).unwrap();
        assert_eq!(
            make_fixed_output_path(STORE, "abc.txt", FileIngestionMethod::Flat, &md5, []),
            "/nix/store/qyp41i3srx6pq2r9yishvslqsr0v9rnq-abc.txt"
        );
        let sha512 = Hash::parse_non_sri_unprefixed(
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
             2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            HashAlgo::Sha512,
        )
        .unwrap();
        assert_eq!(
            make_fixed_output_path(STORE, "abc.txt", FileIngestionMethod::Flat, &sha512, []),
            "/nix/store/b73x6pyqic57332qwrz8mf3bxzjhib2s-abc.txt"
        );
    }

    #[test]
    fn directory_adds() {
        // /tmp/hx/d = { f = "hello\n"; sub/g = "inner"; }.
        // `nix-hash --type sha256 d` and `nix-store --add-fixed --recursive sha256 d` (= `nix-store --add d`).
        let nar = sha256("4c02aa53fd0ecd3d8dc5e29501cb7cb418051096135325209e9808e9938d95e2");
        assert_eq!(
            make_fixed_output_path(STORE, "d", FileIngestionMethod::Recursive, &nar, []),
            "/nix/store/gbc6hy8r8ig82a4z4rnbxf6cq60amq7a-d"
        );
        // `nix-hash --type sha1 d` and `nix-store --add-fixed --recursive sha1 d`: "output:out" with "r:".
        let sha1 = Hash::parse_non_sri_unprefixed("40ce34fa77634071772a5be8902be53684f841c6", HashAlgo::Sha1).unwrap();
        assert_eq!(
            make_fixed_output_path(STORE, "d", FileIngestionMethod::Recursive, &sha1, []),
            "/nix/store/a61zr5j7lk3dd130ajy0f9yg1zfp5n89-d"
        );
    }

    #[test]
    fn text_paths() {
        // `nix-hash --flat --type sha256` of a file holding "text", and
        // `nix-instantiate --eval -E 'builtins.toFile "n" "text"'`.
        let text = sha256("982d9e3eb996f559e633f4d194def3761d909f5a3b647d1a851fead67c32c9d1");
        assert_eq!(
            make_text_path(STORE, "n", &text, []),
            "/nix/store/br60zpgm1d6r4gpamyp0x6yansv0pip2-n"
        );
        // `NIX_STORE_DIR=/foo/store nix-instantiate --eval -E 'builtins.toFile "n" "text"'`.
        assert_eq!(
            make_text_path("/foo/store", "n", &text, []),
            "/foo/store/5d2jpmpp3w747367cp7m68anz1npdlky-n"
        );
        // `nix-instantiate --read-write-mode --eval -E 'builtins.toFile "n2" "text ${builtins.toFile
        // "n" "text"} ${/tmp/hx/abc.txt}"'`; its contents' `nix-hash --flat --type sha256`, and its
        // references from `nix-store -q --references` (given here in reverse and repeated).
        let n2 = sha256("c583e499625302cfb9433a4131d8dacfc9606a1527681e19d465aff994f276b6");
        let refs = [
            "/nix/store/i39nnwzm6y4ghrdqjlpkmj5c8pnyfkg5-abc.txt",
            "/nix/store/br60zpgm1d6r4gpamyp0x6yansv0pip2-n",
            "/nix/store/i39nnwzm6y4ghrdqjlpkmj5c8pnyfkg5-abc.txt",
        ];
        assert_eq!(
            make_text_path(STORE, "n2", &n2, refs),
            "/nix/store/fg5hnb4650v4850mjsx7683r3ngbv7gk-n2"
        );
    }

    #[test]
    fn filtered_source() {
        // The `builtins.path { name = "filtered"; … }` of nar.rs's tests, whose `nix-hash --type sha256` is
        // 7f52d465…; Nix printed /nix/store/rhjzim8d3y9dkbw282qfkb4ak41m1cbs-filtered.
        let nar = sha256("7f52d4655e0bb099deface314c767331f326cb5c12e546f46360a8078bda2815");
        assert_eq!(
            make_fixed_output_path(STORE, "filtered", FileIngestionMethod::Recursive, &nar, []),
            "/nix/store/rhjzim8d3y9dkbw282qfkb4ak41m1cbs-filtered"
        );
    }

    #[test]
    fn output_paths() {
        assert_eq!(output_path_name("a", "out"), "a");
        assert_eq!(output_path_name("a", "dev"), "a-dev");
        // Non-trivial output paths are checked against Nix in derivation.rs's tests.
    }

    /// Messages of `nix-instantiate --eval -E 'builtins.toFile NAME "x"'` (Nix 2.8).
    #[test]
    fn name_errors_match_nix() {
        let x = Hash::digest(HashAlgo::Sha256, b"x");
        let err = |name: &str| {
            let path = make_text_path(STORE, name, &x, []);
            check_store_path_name(STORE, &path).unwrap_err().to_string()
        };
        assert_eq!(
            err("a b"),
            "store path 'dm85kbl5cy82j2dzvy1874s14y3salv3-a b' contains illegal character ' '"
        );
        assert_eq!(
            err(""),
            "store path '9r1mh2rc3s3i33vpdw86kqqyvy9i1y4w-' has an empty name"
        );
        assert_eq!(
            err("a/b"),
            "store path '9d0sm13c3pj0msx6gd27izjkbmdnpbf2-a/b' contains illegal character '/'"
        );
        // Nix prints the first byte of 'é' alone; we print the character.
        assert_eq!(
            err("é"),
            "store path 'fcwpaxmwcvmm1sss1scshna3sn7asxa4-é' contains illegal character 'é'"
        );
        let long = "a".repeat(212);
        assert_eq!(
            err(&long),
            format!("store path 'sk7z62nqxdj2sb8x397my8i4803lhvai-{long}' has a name longer than 211 characters")
        );
        // Accepted by Nix 2.8: a leading dot, every allowed punctuation, 211 characters.
        let ok = |name: &str| check_store_path_name(STORE, &make_text_path(STORE, name, &x, []));
        assert_eq!(ok(".a"), Ok(()));
        assert_eq!(ok("a?=+-._"), Ok(()));
        assert_eq!(ok(&"a".repeat(211)), Ok(()));
        assert_eq!(
            make_text_path(STORE, ".a", &x, []),
            "/nix/store/asd5znqvqny47n2kaa06zr46k6b2hx9h-.a"
        );
        assert_eq!(
            make_text_path(STORE, "a?=+-._", &x, []),
            "/nix/store/q8cq85skggibrzlfz4viqpw7x2cwsi18-a?=+-._"
        );
        assert!(make_text_path(STORE, &"a".repeat(211), &x, [])
            .starts_with("/nix/store/yx91frwj9qkga75f8habg8q40arnqila-aaa"));
        assert_eq!(
            validate_name("a b"),
            Err("store path 'a b' contains illegal character ' '".to_owned())
        );
        assert_eq!(validate_name("ok"), Ok(()));
    }

    #[test]
    fn compress() {
        assert_eq!(compress_hash(&[1, 2, 3, 4, 5], 2), vec![1 ^ 3 ^ 5, 2 ^ 4]);
        assert_eq!(compress_hash(&[1, 2], 0), Vec::<u8>::new());
    }

    #[test]
    fn parsing() {
        let p = "/nix/store/i39nnwzm6y4ghrdqjlpkmj5c8pnyfkg5-abc.txt";
        assert_eq!(
            parse_store_path(STORE, p),
            Some(("i39nnwzm6y4ghrdqjlpkmj5c8pnyfkg5", "abc.txt"))
        );
        assert!(is_store_path(STORE, p));
        assert!(!is_store_path(STORE, &format!("{p}/sub")));
        assert!(!is_store_path(STORE, &format!("{p}/")));
        assert!(!is_store_path("/foo/store", p));
        assert!(!is_store_path(STORE, "/nix/store"));
        assert!(!is_store_path(STORE, "/nix/store/"));
        assert!(!is_store_path(
            STORE,
            "/nix/storeX/i39nnwzm6y4ghrdqjlpkmj5c8pnyfkg5-abc.txt"
        ));
        assert!(!is_store_path(STORE, "/nix/store/i39nnwzm6y4ghrdqjlpkmj5c8pnyfkg5-"));
        // `nix-store -q --hash /nix/store/i39nnwzm6y4ghrdqjlpkmj5c8pnyfkg5_ab` says "is not valid", not
        // "bad store path": Nix 2.8 does not look at the separator.
        assert!(is_store_path(STORE, "/nix/store/i39nnwzm6y4ghrdqjlpkmj5c8pnyfkg5_abc"));
        assert!(!is_store_path(STORE, "/nix/store/i39nnwzm6y4ghrdqjlpkmj5c8pnyfkg5éabc"));
        assert!(!is_store_path(STORE, "/nix/store/i39nnwzm6y4ghrdqjlpkmj5c8pnyfkg5"));
        assert!(!is_store_path(STORE, "/nix/store/e39nnwzm6y4ghrdqjlpkmj5c8pnyfkg5-abc"));
        assert!(!is_store_path(STORE, "/nix/store/i39nnwzm6y4ghrdqjlpkmj5c8pnyfkgé-abc"));
        assert!(!is_store_path(STORE, "/nix/store/i39nnwzm6y4ghrdqjlpkmj5c8pnyfkg5-a b"));
    }
}
