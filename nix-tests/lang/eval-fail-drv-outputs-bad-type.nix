(derivation { name = "a"; system = "x"; builder = "/bin/sh"; outputs = [ 1 ]; }).drvPath
