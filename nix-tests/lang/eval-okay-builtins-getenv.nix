[ (builtins.getEnv "RNIX_SURELY_UNSET_VARIABLE") (builtins.typeOf (builtins.getEnv "PATH")) ]
