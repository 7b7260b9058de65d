import ./lib/mk.nix "env-path-dir" { src = ./src/tree; }
