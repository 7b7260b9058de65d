let
  base = import ./lib/mk.nix "base" {};
  left = import ./lib/mk.nix "left" { inherit base; };
  right = import ./lib/mk.nix "right" { inherit base; };
in import ./lib/mk.nix "top" { inherit left right; b = base; }
