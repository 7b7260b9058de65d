[ (builtins.any (x: x == 2) [ 1 2 ]) (builtins.any (x: x) [ ]) (builtins.any (x: x) [ true (throw "short circuit") ]) ]
