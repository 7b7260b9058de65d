[ (builtins.sort builtins.lessThan [ 3 1 2 ]) (builtins.sort (a: b: a > b) [ 1 3 2 ]) (builtins.sort builtins.lessThan [ ])
  (builtins.sort builtins.lessThan [ "b" "A" "a" ]) (builtins.sort builtins.lessThan [ 2 1.5 1 ])
  (builtins.sort (a: b: a.k < b.k) [ { k = 1; v = "a"; } { k = 0; v = "b"; } { k = 1; v = "c"; } { k = 0; v = "d"; } ])
  (builtins.sort builtins.lessThan [ [ 1 2 ] [ 1 ] [ 0 5 ] ]) ]
