builtins.genList (x: x) 1000000000000
