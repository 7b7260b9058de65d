builtins.fromJSON "-x"
