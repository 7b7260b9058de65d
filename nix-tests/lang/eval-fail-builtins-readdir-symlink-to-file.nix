builtins.readDir ./lib/files/link-to-hello
