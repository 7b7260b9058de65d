let f = x: x; in builtins.attrNames f
