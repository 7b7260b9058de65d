[ (builtins.listToAttrs [ { name = "a"; value = 1; } { name = "b"; value = 2; } { name = "a"; value = 3; } ]) (builtins.listToAttrs [ ])
  (builtins.listToAttrs [ { name = "x"; value = throw "lazy"; extra = 1; } ] ? x) ]
