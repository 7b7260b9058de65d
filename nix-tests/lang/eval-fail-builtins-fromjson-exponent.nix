builtins.fromJSON "1e+"
