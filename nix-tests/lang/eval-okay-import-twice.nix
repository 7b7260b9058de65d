let a = import ./lib/simple.nix; b = import ./lib/simple.nix; in [ (a == b) (a.x + b.x) ]
