# Reads `x` and `y` from the scope when it has them, from builtins otherwise.
[ (if builtins.isAttrs x then "builtin x?" else x) (y.name or y) ]
