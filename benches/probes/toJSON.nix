# toJSON of n records with escapes: linear (Nix: linear)
# probe-n: 10000
n: builtins.stringLength (builtins.toJSON (builtins.genList (i: { name = "n\"${toString i}\n"; v = [ i null true 1.5 ]; }) n))
