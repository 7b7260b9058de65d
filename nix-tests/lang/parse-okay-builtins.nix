[ builtins.map map true false null builtins.true ]
