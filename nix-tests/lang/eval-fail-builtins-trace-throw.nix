builtins.trace (throw "trace arg") 1
