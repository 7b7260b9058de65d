[ (builtins ? map) (builtins ? doesNotExist) (builtins ? langVersion) ]
