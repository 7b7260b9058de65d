# toString of a list of n strings: linear (Nix: linear)
# probe-n: 100000
n: builtins.stringLength (toString (builtins.genList (i: "x${toString i}") n))
