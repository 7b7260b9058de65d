let f = x: x; in [ (builtins.head [ f ]) ] == [ f ]
