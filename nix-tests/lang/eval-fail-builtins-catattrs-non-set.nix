builtins.catAttrs "a" [ 1 ]
