let s = "${builtins.toFile "f" "x"}"; in builtins.unsafeGetAttrPos s { }
