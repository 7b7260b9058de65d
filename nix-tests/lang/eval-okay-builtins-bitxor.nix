[ (builtins.bitXor 12 10) (builtins.bitXor (-1) 5) (builtins.bitXor 7 7) ]
