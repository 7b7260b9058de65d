[ (import ./lib/simple.nix) (import ./lib/files/../simple.nix).y ((import ./lib/double.nix) 4) ]
