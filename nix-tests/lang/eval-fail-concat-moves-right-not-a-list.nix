# A marked `e ++ acc` whose left operand is not a list: the ordinary error, after `acc`
# was put back (moves.rs).
builtins.foldl' (acc: x: x ++ acc) [ 1 ] [ [ 2 ] 3 ]
