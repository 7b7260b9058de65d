let s = "${builtins.toFile "f" "x"}"; in builtins.hasAttr s { }
