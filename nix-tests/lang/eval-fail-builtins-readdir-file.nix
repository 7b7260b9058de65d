builtins.readDir ./lib/files/hello.txt
