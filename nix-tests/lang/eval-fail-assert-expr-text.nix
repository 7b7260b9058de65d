let xs = [ ]; in assert builtins.length xs > 0 && true; xs
