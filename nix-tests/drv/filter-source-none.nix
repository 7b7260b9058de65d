import ./lib/mk.nix "filter-source-none" { src = builtins.filterSource (p: t: false) ./src/tree; }
