import ./lib/mk.nix "env-path-exec" { src = ./src/build.sh; }
