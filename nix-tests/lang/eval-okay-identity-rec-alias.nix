# in a rec set, `b = a` makes b the very same value as a
let r = rec { a = x: x; b = a; }; in builtins.catAttrs "a" [ r ] == builtins.catAttrs "b" [ r ]
