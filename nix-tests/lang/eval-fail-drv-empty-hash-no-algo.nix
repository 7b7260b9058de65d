(derivation { name = "a"; system = "x"; builder = "/bin/sh"; outputHash = ""; }).drvPath
