# toXML of n records: linear (Nix: linear)
# probe-n: 10000
n: builtins.stringLength (builtins.toXML (builtins.genList (i: { name = "n<${toString i}>&"; v = [ i null true ]; }) n))
