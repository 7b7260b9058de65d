builtins.unsafeGetAttrPos "b" { a.b = 1; }.a
