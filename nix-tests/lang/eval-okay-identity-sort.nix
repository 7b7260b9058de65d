let f = x: x; in builtins.sort (a: b: false) [ f ] == [ f ]
