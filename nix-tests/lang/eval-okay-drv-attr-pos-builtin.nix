# Positions of the attributes `derivation` adds, inside Nix's own derivation.nix.
let
  d = derivation { name = "x"; system = "x"; builder = "/bin/sh"; outputs = [ "out" "dev" ]; };
  p = n: builtins.unsafeGetAttrPos n d;
in map p [ "all" "drvAttrs" "out" "dev" "outPath" "drvPath" "type" "outputName" "name" ]
