import ./lib/tree.nix
