let s = { a = 1;
  b = 2; }; in [ (builtins.unsafeGetAttrPos "a" s) (builtins.unsafeGetAttrPos "b" s) (builtins.unsafeGetAttrPos "c" s)
  (builtins.unsafeGetAttrPos "x" (builtins.listToAttrs [ { name = "x"; value = 1; } ])) (builtins.unsafeGetAttrPos "y" { inherit (s) a; y.z = 1; }) ]
