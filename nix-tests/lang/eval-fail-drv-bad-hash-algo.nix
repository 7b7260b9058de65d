(derivation { name = "a"; system = "x"; builder = "/bin/sh"; outputHash = "abc"; outputHashAlgo = "sha3"; }).drvPath
