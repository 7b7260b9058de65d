# Positions of attributes made by builtins (nixpkgs' module system reports
# declaration positions through unsafeGetAttrPos).
let
  s = { a = true; b = 2; };
  p = n: x: builtins.unsafeGetAttrPos n x;
in {
  plain = p "a" s;
  mapAttrs = p "a" (builtins.mapAttrs (k: v: v) s);
  mapAttrsLiteral = p "a" (builtins.mapAttrs (k: v: v) { a = 1; });
  listToAttrs = p "a" (builtins.listToAttrs [ { name = "a"; value = 1; } ]);
  listToAttrsValueFromSet = p "a" (builtins.listToAttrs [ (s // { name = "a"; value = 1; }) ]);
  listToAttrsFirstWins = p "a" (builtins.listToAttrs [ { name = "a"; value = 1; } { name = "a"; value = 2; } ]);
  intersectAttrs = p "a" (builtins.intersectAttrs { a = 1; } s);
  intersectAttrsRight = p "a" (builtins.intersectAttrs s { a = 1; });
  removeAttrs = p "a" (builtins.removeAttrs s [ "b" ]);
  zipAttrsWith = p "a" (builtins.zipAttrsWith (n: v: v) [ s ]);
  groupBy = p "a" (builtins.groupBy (x: "a") [ 1 ]);
  partition = p "right" (builtins.partition (x: true) [ 1 ]);
  tryEval = p "value" (builtins.tryEval 1);
  functionArgs = p "a" (builtins.functionArgs ({ a ? 1 }: a));
  fromJSON = p "a" (builtins.fromJSON ''{"a":1}'');
  parseDrvName = p "name" (builtins.parseDrvName "a-1");
  updateLeft = p "a" (s // { b = 3; });
  updateRight = p "a" ({ a = 3; } // s);
  inherited = p "a" { inherit (s) a; };
  dynamic = p "a" { ${"a"} = 1; };
  nested = p "x" { x.y = 1; x.z = 2; };
}
