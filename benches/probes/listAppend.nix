# a list grown by n `++ [ x ]` in a fold: quadratic in both (each `++` copies)
# probe-n: 5000
n: builtins.length (builtins.foldl' (acc: i: acc ++ [ i ]) [ ] (builtins.genList (i: i) n))
