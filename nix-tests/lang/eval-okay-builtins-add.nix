[ (builtins.add 1 2) (builtins.add 1.5 2) (builtins.add 2 0.25) (builtins.add (-3) 3) ]
