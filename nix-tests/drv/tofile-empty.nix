import ./lib/mk.nix "tofile-empty" { f = builtins.toFile "empty" ""; }
