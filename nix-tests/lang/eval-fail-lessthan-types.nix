builtins.lessThan 1 "x"
