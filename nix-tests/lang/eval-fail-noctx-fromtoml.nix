let s = "${builtins.toFile "f" "x"}"; in builtins.fromTOML "a = 1 # ${s}"
