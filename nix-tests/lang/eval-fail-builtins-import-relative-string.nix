import "lib/simple.nix"
