let x = { a = x; }; in [ (x == x) (builtins.deepSeq x 1) ]
