# A marked `acc ++ e` whose right operand is not a list: the ordinary error, and `acc`
# was put back (moves.rs).
builtins.foldl' (acc: x: acc ++ x) [ 1 ] [ [ 2 ] 3 ]
