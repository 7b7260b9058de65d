builtins.fromJSON "{1: 2}"
