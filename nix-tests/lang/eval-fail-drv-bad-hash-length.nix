(derivation { name = "a"; system = "x"; builder = "/bin/sh"; outputHash = "abc"; outputHashAlgo = "sha256"; }).drvPath
