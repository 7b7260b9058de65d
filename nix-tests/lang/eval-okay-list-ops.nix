[ (builtins.length [ 1 2 3 ]) (builtins.head [ "h" "t" ]) (builtins.tail [ 1 2 3 ]) (builtins.elemAt [ "a" "b" "c" ] 2) (builtins.tail [ 1 ]) ]
