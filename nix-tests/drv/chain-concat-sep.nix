let ds = map (n: import ./lib/mk.nix "sep-${toString n}" {}) [ 1 2 ];
in import ./lib/mk.nix "chain-concat-sep" { path = builtins.concatStringsSep ":" (map (d: "${d}/bin") ds); }
