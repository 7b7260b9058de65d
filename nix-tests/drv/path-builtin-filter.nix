import ./lib/mk.nix "path-builtin-filter" { src = builtins.path { path = ./src/tree; name = "filtered"; filter = p: t: !(builtins.match ".*\\.log" p != null); }; }
