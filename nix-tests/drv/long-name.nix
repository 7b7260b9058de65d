import ./lib/mk.nix "${builtins.concatStringsSep "" (builtins.genList (_: "x") 200)}" {}
