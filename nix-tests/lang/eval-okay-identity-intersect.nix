let f = x: x; in builtins.intersectAttrs { f = null; } { inherit f; g = 2; } == { inherit f; }
