import ./lib/mk.nix "path-builtin" { src = builtins.path { path = ./src/tree; }; }
