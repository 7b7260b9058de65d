[ (builtins.filter (x: x > 1) [ 1 2 3 ]) (builtins.filter (x: false) [ 1 ]) (builtins.filter (x: true) [ ]) ]
