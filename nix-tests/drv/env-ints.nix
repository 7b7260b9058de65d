import ./lib/mk.nix "env-ints" { zero = 0; pos = 123456789; neg = -42; big = 9223372036854775807; }
