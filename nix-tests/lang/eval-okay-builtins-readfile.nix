[ (builtins.readFile ./lib/files/hello.txt) (builtins.readFile ./lib/files/link-to-hello) (builtins.readFile ./lib/files/dir/inner.txt) (builtins.readFile (toString ./lib/files/hello.txt)) ]
