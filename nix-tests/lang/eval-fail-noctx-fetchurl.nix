# The URL is checked before anything is fetched.
let s = "${builtins.toFile "f" "x"}"; in builtins.fetchurl (builtins.substring 0 0 s + "file:///dev/null")
