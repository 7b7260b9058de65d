[ (builtins.foldl' (acc: x: acc + x) 0 [ 1 2 3 4 ]) (builtins.foldl' (acc: x: [ x ] ++ acc) [ ] [ 1 2 3 ]) (builtins.foldl' (a: b: a) "init" [ ]) ]
