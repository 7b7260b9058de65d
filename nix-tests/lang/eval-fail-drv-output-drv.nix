# Nix 2.8 refuses an output named `drv`; modern Nix refuses only `drvPath`.
(builtins.derivationStrict { name = "a"; system = "x"; builder = "/bin/sh"; outputs = [ "out" "drv" ]; }) ? drv
