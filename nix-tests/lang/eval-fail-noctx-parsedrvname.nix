let s = "${builtins.toFile "f" "x"}"; in builtins.parseDrvName s
