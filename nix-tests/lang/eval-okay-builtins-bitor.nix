[ (builtins.bitOr 12 10) (builtins.bitOr (-8) 3) (builtins.bitOr 0 0) ]
