builtins.length (builtins.concatStringsSep "" (builtins.genList (_: "x") 1030))
