builtins.sort builtins.lessThan [ true false ]
