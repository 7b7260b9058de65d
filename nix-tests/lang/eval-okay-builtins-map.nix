[ (map (x: x + 1) [ 1 2 ]) (map (x: x) [ ]) (builtins.length (map (x: throw "lazy") [ 1 2 ])) (map builtins.typeOf [ 1 "a" ]) ]
