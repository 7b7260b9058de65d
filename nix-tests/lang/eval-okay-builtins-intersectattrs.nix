[ (builtins.intersectAttrs { a = 0; b = 0; } { b = 1; c = 2; a = 3; }) (builtins.intersectAttrs { } { a = 1; }) (builtins.intersectAttrs { x = throw "lazy"; } { x = 1; }) ]
