builtins.readFile ./lib/files/nul.bin
