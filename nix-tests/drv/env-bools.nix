import ./lib/mk.nix "env-bools" { yes = true; no = false; }
