builtins.path { path = ./lib/store-src; foo = 1; }
