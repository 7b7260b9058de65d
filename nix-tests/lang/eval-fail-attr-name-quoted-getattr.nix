builtins.getAttr "b c" { a = 1; }
