import ./lib/formals.nix
