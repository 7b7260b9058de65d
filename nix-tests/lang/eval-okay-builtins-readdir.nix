[ (builtins.readDir ./lib/files) (builtins.readDir ./lib/files/dir) (builtins.readDir ./lib/files/link-to-dir) ]
