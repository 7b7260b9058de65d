builtins.foldl' (acc: x: if x == 3 then throw "three" else acc + x) 0 [ 1 2 3 4 ]
