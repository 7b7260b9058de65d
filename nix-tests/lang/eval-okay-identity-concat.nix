let f = x: x; in [ ([ f ] ++ [ ] == [ f ]) (builtins.concatLists [ [ f ] ] == [ f ]) (builtins.tail [ 1 f ] == [ f ]) ]
