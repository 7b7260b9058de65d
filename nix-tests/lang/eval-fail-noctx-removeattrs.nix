let s = "${builtins.toFile "f" "x"}"; in builtins.removeAttrs { a = 1; } [ s ]
