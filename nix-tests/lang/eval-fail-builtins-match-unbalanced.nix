builtins.match "(a" "a"
