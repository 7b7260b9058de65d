builtins.readFile ./lib/store-src/b.txt/x
