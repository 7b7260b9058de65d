let s = "${builtins.toFile "f" "x"}"; in builtins.getEnv (builtins.substring 0 0 s + "HOME")
