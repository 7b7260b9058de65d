builtins.storeDir.x
