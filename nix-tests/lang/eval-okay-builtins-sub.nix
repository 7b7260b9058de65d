[ (builtins.sub 5 3) (builtins.sub 1.5 2) (builtins.sub 0 (-4)) ]
