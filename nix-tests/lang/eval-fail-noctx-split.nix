let s = "${builtins.toFile "f" "x"}"; in builtins.split (builtins.substring 0 0 s + "x") "x"
