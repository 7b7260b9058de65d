builtins.toJSON { a = 1; b = [ true false null ]; c = "str"; d = { e = 1.5; }; f = -3; }
