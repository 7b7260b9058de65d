import ./lib/mk.nix "path-builtin-name" { src = builtins.path { path = ./src/tree; name = "renamed-source"; }; }
