(import ./lib/dir/other.nix).here
