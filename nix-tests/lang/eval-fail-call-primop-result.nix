builtins.typeOf 1 2
