import ./lib/mk.nix "path-builtin-string" { src = builtins.path { path = toString ./src/hello.txt; }; }
