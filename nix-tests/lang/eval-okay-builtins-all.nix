[ (builtins.all (x: x > 0) [ 1 2 ]) (builtins.all (x: x > 1) [ 1 2 ]) (builtins.all (x: throw "no") [ ]) (builtins.all (x: x) [ false (throw "short circuit") ]) ]
