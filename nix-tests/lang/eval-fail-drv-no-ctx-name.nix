let d = derivation { name = "a"; system = "x"; builder = "/bin/sh"; }; in derivation { name = "b-${d}"; system = "x"; builder = "/bin/sh"; }
