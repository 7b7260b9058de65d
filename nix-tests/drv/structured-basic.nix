import ./lib/mk.nix "structured-basic" { __structuredAttrs = true; s = "str"; i = 42; b = true; n = null; l = [ 1 "two" [ 3 ] ]; a = { x = 1; y = { z = "deep"; }; }; }
