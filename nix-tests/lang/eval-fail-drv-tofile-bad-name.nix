builtins.toFile "a/b" "x"
