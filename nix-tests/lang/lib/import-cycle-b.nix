{ b = import ./import-cycle-a.nix; }.b
