(derivation { name = "a b"; system = "x"; builder = "/bin/sh"; }).drvPath
