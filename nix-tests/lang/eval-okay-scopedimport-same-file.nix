# One file scoped-imported again and again: the same names with new values, other names
# (which change what its variables resolve to), and an overridden `import` (each import
# a `scopedImport`) reaching it twice.
let
  f = ./lib/scoped-names.nix;
  overrides = { import = p: scopedImport overrides p; x = "o"; y = "p"; };
in
[
  (scopedImport { x = 1; y = 2; } f)
  (scopedImport { x = 3; y = 4; } f)
  (scopedImport { x = 5; y = { name = "y"; }; z = 0; } f)
  (scopedImport overrides ./lib/scoped-twice.nix)
]
