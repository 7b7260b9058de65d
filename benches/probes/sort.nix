# sort of n ints (pseudo-random order) with a lambda: n log n (Nix: std::stable_sort)
# probe-n: 100000
n: let l = builtins.genList (i: (i * 7919) - (i * 7919) / 100003 * 100003) n; in
builtins.elemAt (builtins.sort (a: b: a < b) l) (n / 2)
