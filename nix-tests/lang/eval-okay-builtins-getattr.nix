[ (builtins.getAttr "a" { a = 1; }) (builtins.getAttr "b c" { "b c" = 2; }) ]
