import ./lib/mk.nix "structured-outputs" { __structuredAttrs = true; outputs = [ "out" "dev" ]; }
