let s = "${builtins.toFile "f" "x"}"; in builtins.splitVersion s
