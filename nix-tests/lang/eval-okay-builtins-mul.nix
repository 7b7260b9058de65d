[ (builtins.mul 3 4) (builtins.mul 1.5 2) (builtins.mul (-2) 3) (builtins.mul 0 (-1.0)) ]
