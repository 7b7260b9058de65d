let d = derivation { name = "a"; system = "x"; builder = "/bin/sh"; }; in builtins.toFile "f" "${d}"
