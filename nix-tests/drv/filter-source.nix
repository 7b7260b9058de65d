import ./lib/mk.nix "filter-source" { src = builtins.filterSource (p: t: baseNameOf p != "sub") ./src/tree; }
