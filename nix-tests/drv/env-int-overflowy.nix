import ./lib/mk.nix "env-int-overflowy" { min = -9223372036854775807 - 1; }
