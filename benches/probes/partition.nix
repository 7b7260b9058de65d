# filter / partition / any / all of n ints: linear (Nix: linear)
# probe-n: 100000
n: let l = builtins.genList (i: i) n; in
builtins.length (builtins.filter (x: x / 2 * 2 == x) l) + builtins.length (builtins.partition (x: x < n / 2) l).right
  + (if builtins.any (x: x < 0) l || builtins.all (x: x >= 0) l then 1 else 0)
