let f = x: x; g = f; in [ g ] == [ f ]
