let f = x: x; in builtins.genList (i: f) 1 == [ f ]
