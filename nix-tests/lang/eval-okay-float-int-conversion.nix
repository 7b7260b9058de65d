[ (builtins.floor 2.7) (builtins.ceil 2.1) (builtins.typeOf (builtins.floor 2.7)) (1.0 * 3 == 3) ]
