builtins.readFile ./lib/files/dir
