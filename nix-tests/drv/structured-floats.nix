import ./lib/mk.nix "structured-floats" { __structuredAttrs = true; f = 1.5; g = 0.25; large = 1.0e20; h = 0.1; }
