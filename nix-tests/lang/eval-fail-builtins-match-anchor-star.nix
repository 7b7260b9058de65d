builtins.match "a$*" "a"
