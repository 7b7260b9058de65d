let s = "${builtins.toFile "f" "x"}"; in builtins.groupBy (x: x) [ s ]
