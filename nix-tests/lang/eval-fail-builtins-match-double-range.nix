builtins.match "[a-c-e]" "-"
