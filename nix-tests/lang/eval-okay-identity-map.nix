let f = x: x; in map (x: x) [ f ] == [ f ]
