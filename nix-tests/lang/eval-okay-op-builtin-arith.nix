[ (builtins.add 1 2) (builtins.sub 10 3) (builtins.mul 4 5) (builtins.div 17 5) (builtins.add 1.5 1) (builtins.div 1 2.0) ]
