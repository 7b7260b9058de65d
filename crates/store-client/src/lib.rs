//! The Nix store model: the pure computations an evaluator needs to produce the same store
//! paths and .drv files as Nix 2.8, without talking to a store.
//!
//! - [`nix32`]: Nix's base-32 (the alphabet without `e o u t`, digits taken from the end).
//! - [`hash`]: [`Hash`]/[`HashAlgo`] (md5, sha1, sha256, sha512), a streaming [`Hasher`], the
//!   base-16/base-32/base-64/SRI forms, and Nix's lenient hash parsing with its error messages.
//! - [`store_path`]: how store paths are made from fingerprints (`text:`, `source:`,
//!   `output:`), name rules, and splitting a store path.
//! - [`nar`]: streaming NAR serialisation of a file system tree (with Nix's path filter) and
//!   the NAR hash that `source` paths and `nix-hash` use.
//! - [`derivation`]: the .drv ATerm printer and parser, `hashDerivationModulo`, and the
//!   derivation's own path and its input-addressed output paths.
//! - [`daemon`]: a client for the nix-daemon's worker protocol (Nix 2.3 to the newest).
//! - [`store`]: the [`Store`] the evaluator writes through: [`DaemonStore`] or
//!   [`ReadOnlyStore`] (which only computes paths).
//!
//! Everything is checked against values printed by a real Nix 2.8 (each test says which
//! command), and tests/data holds .drv files Nix wrote (tests/data/regen.sh remakes them).
//! Unix only: NAR serialisation needs file modes and byte file names.

pub mod daemon;
pub mod derivation;
pub mod hash;
pub mod nar;
pub mod nix32;
pub mod store;
pub mod store_path;

pub use derivation::{
    hash_derivation_modulo, output_paths_for_input_addressed, parse_aterm, Derivation, DerivationOutput, DrvParseError,
};
pub use hash::{Hash, HashAlgo, HashError, Hasher};
pub use nar::{accept_all, dump_path, dump_path_filtered, dump_to_vec, hash_path, FileKind, NarError, NarIoError};
pub use store::{open_store, DaemonStore, ReadOnlyStore, Store};

/// `strerror(errno)` for an I/O error, as Nix prints it (`No such file or directory`):
/// Rust's text without its ` (os error N)`. Here, the crate every other one depends on,
/// so the evaluator, the fetchers, flakes and the command line word it alike.
pub fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}
pub use store_path::{
    check_name, check_store_path_name, compress_hash, is_store_path, make_fixed_output_path, make_output_path,
    make_store_path, make_text_path, output_path_name, parse_store_path, validate_name, FileIngestionMethod,
    StorePathError,
};
