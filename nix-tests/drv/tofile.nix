import ./lib/mk.nix "tofile" { f = builtins.toFile "config.txt" "some config\n"; }
