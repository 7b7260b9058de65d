derivation { name = "other-system"; system = "aarch64-darwin"; builder = "/bin/sh"; }
