# A dynamic name in a selection with a default: getName's forceStringNoCtx.
let s = "${builtins.toFile "f" "x"}"; in { a = 1; }.${s} or 2
