# A partially applied builtin is named too.
1.5 + (builtins.add 1)
