derivationStrict { name = "a"; system = "x"; builder = "/bin/sh"; outputs = []; }
