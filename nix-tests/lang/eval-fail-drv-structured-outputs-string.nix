(derivation { name = "a"; system = "x"; builder = "/bin/sh"; __structuredAttrs = true; outputs = "out"; }).drvPath
