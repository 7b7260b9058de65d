[ (builtins.tryEval 42) (builtins.tryEval "s") (builtins.tryEval { a = 1; }) ]
