builtins.match "a{1000000}" "a"
