(derivation { name = "a"; system = "x"; builder = "/bin/sh"; args = "x"; }).drvPath
