[ (import ./scoped-names.nix) (import ./scoped-names.nix) ]
