builtins.length builtins.map
