builtins.fromJSON "1."
