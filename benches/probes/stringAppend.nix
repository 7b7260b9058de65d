# a string grown by n appends in a fold: quadratic in both (each `+` copies)
# probe-n: 10000
n: builtins.stringLength (builtins.foldl' (acc: i: acc + "x") "" (builtins.genList (i: i) n))
