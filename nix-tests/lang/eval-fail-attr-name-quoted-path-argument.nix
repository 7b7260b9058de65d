builtins.path { path = ./lib; "a b" = 1; }
