import ./lib/mk.nix "basic" {}
