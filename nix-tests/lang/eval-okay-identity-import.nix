# importing the same file twice yields the same cached value
[ (import ./lib/double.nix) ] == [ (import ./lib/double.nix) ]
