let ds = builtins.genList (i: import ./lib/mk.nix "input-${toString i}" { i = i; }) 30;
in import ./lib/mk.nix "many-inputs" { inputs = ds; }
