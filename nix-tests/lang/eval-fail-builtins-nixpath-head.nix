builtins.head builtins.nixPath
