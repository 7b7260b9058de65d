builtins.getAttr "x" { y = 1; }
