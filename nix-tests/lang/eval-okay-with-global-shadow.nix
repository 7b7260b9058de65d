# with does not shadow builtin global names like `true` (they are lexical)
with { true = false; map = "mine"; }; [ true (builtins.isFunction map) ]
