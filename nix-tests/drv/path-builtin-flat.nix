import ./lib/mk.nix "path-builtin-flat" { src = builtins.path { path = ./src/hello.txt; recursive = false; }; }
