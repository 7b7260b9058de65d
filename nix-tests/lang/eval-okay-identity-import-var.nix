let a = import ./lib/double.nix; b = import ./lib/double.nix; in [ a ] == [ b ]
