# `?` with a dynamic name: getName's forceStringNoCtx.
let s = "${builtins.toFile "f" "x"}"; in { a = 1; } ? ${s}
