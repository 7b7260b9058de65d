# `+` after a set that coerces to a string (`outPath`, `__toString`) appends a path as
# its text, without copying it to the store (Nix's ExprConcatStrings copies paths only
# when the first operand is a string): `fetchzip { ... } + /sub` in nixpkgs.
let
  drv = derivation { name = "d"; builder = "b"; system = "s"; };
  dir = ./.;
in
[
  ({ outPath = "/a"; } + /nonexistent)
  ({ outPath = "/a"; } + /b/../c)
  ({ __toString = self: "/t"; } + /x/y)
  (({ outPath = dir; } + "") == toString dir)
  (({ outPath = "/a"; } + dir) == "/a" + toString dir)
  (drv + /sub)
  (builtins.getContext (drv + /sub))
  (builtins.attrNames (builtins.getContext ("x" + drv)))
]
