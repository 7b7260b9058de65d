let
  a = import ./lib/mk.nix "a" {};
  b = import ./lib/mk.nix "b" { dep = a; };
  c = import ./lib/mk.nix "c" { dep = b; also = "${a}/bin"; };
in c
