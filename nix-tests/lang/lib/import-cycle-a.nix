import ./import-cycle-b.nix
