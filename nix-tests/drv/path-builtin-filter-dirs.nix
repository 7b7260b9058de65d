import ./lib/mk.nix "path-builtin-filter-dirs" { src = builtins.path { path = ./src/tree; filter = p: t: t != "directory"; }; }
