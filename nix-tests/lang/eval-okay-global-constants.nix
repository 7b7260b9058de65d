[ true false null (builtins.true) (builtins.null) ]
