# deepSeq of a list of n nested sets: linear (Nix: linear)
# probe-n: 100000
n: builtins.deepSeq (builtins.genList (i: { a = { b = [ i ]; }; }) n) n
