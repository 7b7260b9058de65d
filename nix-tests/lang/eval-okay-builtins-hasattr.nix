[ (builtins.hasAttr "a" { a = throw "lazy"; }) (builtins.hasAttr "b" { a = 1; }) (builtins.hasAttr "" { "" = 1; }) ]
