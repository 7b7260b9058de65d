let a = import ./lib/mk.nix "structured-dep" {};
in import ./lib/mk.nix "structured-deps" { __structuredAttrs = true; dep = a; deps = [ a ]; src = ./src/hello.txt; nested = { p = "${a}/bin"; }; }
