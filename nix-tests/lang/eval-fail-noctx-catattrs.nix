let s = "${builtins.toFile "f" "x"}"; in builtins.catAttrs s [ ]
