builtins.readDir ./lib/files/hello.txt/x
