builtins.readFile "lib/files/hello.txt"
