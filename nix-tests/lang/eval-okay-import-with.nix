import ./lib/uses-with.nix
