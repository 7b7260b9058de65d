import ./lib/mk.nix "env-path-symlink" { src = ./src/tree/link; }
