[ (builtins.ceil 1.2) (builtins.ceil (-1.2)) (builtins.ceil 3) (builtins.ceil 2.0) (builtins.ceil (-0.5)) ]
