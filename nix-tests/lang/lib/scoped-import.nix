[ x (import ./simple.nix) ]
