import ./lib/dir/default.nix
