import ./lib/formals-required.nix { b = 1; }
