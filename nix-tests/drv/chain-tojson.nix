let a = import ./lib/mk.nix "json-dep" {};
in import ./lib/mk.nix "chain-tojson" { cfg = builtins.toJSON { dep = a; path = ./src/hello.txt; n = 1; }; }
