import ./lib/mk.nix "env-path-root-dir" { src = ./src; }
