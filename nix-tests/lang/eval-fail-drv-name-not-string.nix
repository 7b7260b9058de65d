derivation { name = 1; system = "x"; builder = "/bin/sh"; }
