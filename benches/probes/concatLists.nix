# concatLists / concatMap of n small lists: linear (Nix: linear)
# probe-n: 100000
n: builtins.length (builtins.concatLists (builtins.genList (i: [ i i ]) n)) + builtins.length (builtins.concatMap (i: [ i ]) (builtins.genList (i: i) n))
