let f = { __functor = self: x: x; }; in [ (f == f) ([ f ] == [ f ]) ]
