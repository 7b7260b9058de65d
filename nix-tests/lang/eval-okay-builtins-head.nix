[ (builtins.head [ 1 2 ]) (builtins.head [ [ 3 ] ]) ]
