let f = x: x; in builtins.removeAttrs { inherit f; g = 1; } [ "g" ] == { inherit f; }
