# n `tail`s of a shrinking n-element list (in a fold): quadratic in both (Nix's tail copies too)
# probe-n: 2000
n: builtins.length (builtins.foldl' (l: i: builtins.seq (builtins.head l) (builtins.tail l)) (builtins.genList (i: i) (n + 1)) (builtins.genList (i: i) n))
