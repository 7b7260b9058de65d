import ./number.nix
