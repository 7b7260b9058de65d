import ./lib/mk.nix "big-env" { data = builtins.concatStringsSep "\n" (builtins.genList (i: "line ${toString i} of a longer environment value") 2000); }
