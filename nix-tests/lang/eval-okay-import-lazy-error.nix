(import ./lib/lazy-error.nix).ok
