builtins.length { z = 1; type = "t"; _type = "u"; a = 2; }
