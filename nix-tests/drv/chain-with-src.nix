let
  a = import ./lib/mk.nix "a-src" { src = ./src/tree; };
  b = import ./lib/mk.nix "b-src" { dep = a; script = ./src/build.sh; };
in import ./lib/mk.nix "c-src" { dep = b; data = ./src/hello.txt; }
