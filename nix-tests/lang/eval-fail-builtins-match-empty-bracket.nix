builtins.match "[]" "]"
