import ./lib/relative.nix
