builtins.getAttr "" { a = 1; }
