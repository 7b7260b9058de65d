let a = import ./lib/mk.nix "substr-dep" {};
in import ./lib/mk.nix "chain-substring" { s = builtins.substring 0 20 "${a}"; }
