[ (builtins.floor 1.8) (builtins.floor (-1.2)) (builtins.floor 3) (builtins.floor (-0.0)) ]
