import ./lib/mk.nix "env-path-same-twice" { a = ./src/hello.txt; b = "${./src/hello.txt}"; }
