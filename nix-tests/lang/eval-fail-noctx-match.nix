# The regex of match and split must not have a context (the subject may).
let s = "${builtins.toFile "f" "x"}"; in builtins.match s "x"
