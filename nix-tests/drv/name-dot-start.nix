import ./lib/mk.nix ".hidden" {}
