let
  ds = map (n: import ./lib/mk.nix "item-${toString n}" {}) [ 1 2 3 ];
in import ./lib/mk.nix "chain-list-env" { buildInputs = ds; }
