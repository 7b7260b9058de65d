builtins.readDir ./lib/files/missing
