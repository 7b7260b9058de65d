import ./lib/mk.nix "env-null" { nothing = null; }
