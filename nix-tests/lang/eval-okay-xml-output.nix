{ a = 1; b = "str"; c = [ true false null ]; d = { e = 1.5; }; }
