import ./lib/mk.nix "env-floats" { a = 1.5; b = 0.1; c = 100.0; d = 1.0e-3; e = 123456.789; f = -2.25; }
