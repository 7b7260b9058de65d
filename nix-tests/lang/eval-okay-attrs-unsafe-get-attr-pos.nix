[ (builtins.unsafeGetAttrPos "b" { a = 1;
  b = 2; }) (builtins.unsafeGetAttrPos "missing" { a = 1; }) ]
