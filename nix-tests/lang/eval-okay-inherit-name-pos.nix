# Every inherited name has its own position (modern Nix); Nix 2.8 gave them all the
# position where the list of names starts.
let
  d = 0;
  x = 1;
  y = { inherit d x; };
  z = { inherit (y) d x; };
in map (s: builtins.removeAttrs s [ "file" ]) [
  (builtins.unsafeGetAttrPos "d" y)
  (builtins.unsafeGetAttrPos "x" y)
  (builtins.unsafeGetAttrPos "d" z)
  (builtins.unsafeGetAttrPos "x" z)
]
