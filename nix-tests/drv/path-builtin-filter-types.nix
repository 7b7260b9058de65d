import ./lib/mk.nix "path-builtin-filter-types" { src = builtins.path { path = ./src/tree; filter = p: t: t != "symlink"; }; }
