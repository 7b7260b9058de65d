# the first occurrence of a name wins
builtins.listToAttrs [ { name = "a"; value = "first"; } { name = "a"; value = "second"; } ]
