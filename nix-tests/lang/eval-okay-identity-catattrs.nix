let f = x: x; in builtins.catAttrs "f" [ { inherit f; } ] == [ f ]
