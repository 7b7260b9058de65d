//! The Nix store model (work in progress).
pub mod hash;
pub mod nar;
pub mod nix32;
pub mod store_path;
