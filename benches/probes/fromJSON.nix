# fromJSON of an n-record document: linear (Nix: linear)
# probe-n: 10000
n: builtins.length (builtins.fromJSON (builtins.toJSON (builtins.genList (i: { a = i; b = "s${toString i}"; c = [ 1 2 ]; }) n)))
