builtins.readFile ./lib/files/missing
