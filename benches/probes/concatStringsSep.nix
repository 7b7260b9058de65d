# concatStringsSep of n strings: linear (Nix: linear)
# probe-n: 100000
n: builtins.stringLength (builtins.concatStringsSep ", " (builtins.genList (i: "item${toString i}") n))
