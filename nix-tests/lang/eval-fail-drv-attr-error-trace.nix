(derivation { name = "a"; system = "x"; builder = "/bin/sh"; bad = throw "oops"; }).drvPath
