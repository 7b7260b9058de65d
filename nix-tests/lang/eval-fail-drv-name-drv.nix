derivation { name = "a.drv"; system = "x"; builder = "/bin/sh"; }
