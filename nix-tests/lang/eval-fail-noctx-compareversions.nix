let s = "${builtins.toFile "f" "x"}"; in builtins.compareVersions "1" (builtins.substring 0 0 s + "2")
