let s = "${builtins.toFile "f" "x"}"; in builtins.findFile [ { prefix = builtins.substring 0 0 s + "p"; path = "/"; } ] "p"
