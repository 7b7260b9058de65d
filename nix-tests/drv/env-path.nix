import ./lib/mk.nix "env-path" { src = ./src/hello.txt; }
