{ x = 1; self = import ./import-self-lazy.nix; }
