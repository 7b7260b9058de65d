let f = x: x; in builtins.listToAttrs [ { name = "f"; value = f; } ] == { inherit f; }
