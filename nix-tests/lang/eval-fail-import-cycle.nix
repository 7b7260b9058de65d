import ./lib/import-cycle-a.nix
