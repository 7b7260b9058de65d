let f = x: x; s = { inherit f; }; in [ (builtins.getAttr "f" s) ] == [ f ]
