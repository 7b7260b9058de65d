[ (builtins.isPath ./.) (builtins.isPath "/a") (builtins.isPath (builtins.toPath "/a")) ]
