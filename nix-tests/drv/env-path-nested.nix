import ./lib/mk.nix "env-path-nested" { src = ./src/tree/sub; }
