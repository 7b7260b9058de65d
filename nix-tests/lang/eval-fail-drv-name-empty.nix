(derivation { name = ""; system = "x"; builder = "/bin/sh"; }).drvPath
