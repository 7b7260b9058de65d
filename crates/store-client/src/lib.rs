//! The Nix store model (work in progress).
