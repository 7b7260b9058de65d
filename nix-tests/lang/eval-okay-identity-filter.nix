let f = x: x; in builtins.filter (x: true) [ f ] == [ f ]
