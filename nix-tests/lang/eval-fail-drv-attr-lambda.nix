(derivation { name = "a"; system = "x"; builder = "/bin/sh"; f = x: x; }).drvPath
