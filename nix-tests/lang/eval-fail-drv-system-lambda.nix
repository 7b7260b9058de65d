(derivation { name = "a"; system = x: x; builder = "/bin/sh"; }).drvPath
