# `or` can be used as a variable name in application argument position
let f = x: x + 1; s = { or = 41; }; in [ (f s.or) ({ or = 1; } ? or) ]
