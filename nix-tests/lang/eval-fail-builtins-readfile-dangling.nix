builtins.readFile ./lib/files/dangling
