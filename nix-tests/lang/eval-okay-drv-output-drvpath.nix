# Modern Nix refuses an output named `drvPath` (the result has that attribute already);
# Nix 2.8 accepted it, and the two attributes collided.
builtins.attrNames (builtins.derivationStrict { name = "a"; system = "x"; builder = "/bin/sh"; outputs = [ "out" "drvPath" ]; })
