import ./lib/simple.nix
