[ (builtins.catAttrs "a" [ { a = 1; } { b = 2; } { a = 3; c = 4; } ]) (builtins.catAttrs "x" [ ]) ]
