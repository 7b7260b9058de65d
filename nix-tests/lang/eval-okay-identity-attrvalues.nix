let f = x: x; in builtins.attrValues { inherit f; } == [ f ]
