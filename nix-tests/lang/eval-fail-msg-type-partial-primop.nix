builtins.attrNames (builtins.map (x: x))
