# fromTOML of an n-table document: linear (Nix: linear)
# probe-n: 5000
n: builtins.length (builtins.attrNames (builtins.fromTOML (builtins.concatStringsSep "\n" (builtins.genList (i: "[t${toString i}]\na = ${toString i}\nb = \"s\"") n))))
