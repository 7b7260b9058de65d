let s = builtins.scopedImport { x = 1; y = 2; list = [ 1 2 3 ]; }; in [
  (s ./lib/scoped.nix) (builtins.scopedImport { x = "scoped"; } ./lib/scoped-import.nix)
  (builtins.scopedImport { builtins = { length = l: 99; }; x = 0; y = 0; list = [ ]; } ./lib/scoped.nix).b
]
