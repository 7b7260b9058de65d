(import ./lib/lazy-error.nix).bad
