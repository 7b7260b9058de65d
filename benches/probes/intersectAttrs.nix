# intersectAttrs of 3 names with an n-attribute set, n/100 times: (n/100) log n (Nix: walks the smaller set)
# probe-n: 100000
n: let s = builtins.listToAttrs (builtins.genList (i: { name = "a${toString i}"; value = i; }) n); in
builtins.foldl' (acc: i: acc + builtins.length (builtins.attrNames (builtins.intersectAttrs { b1 = 0; "a${toString i}" = 0; zz = 0; } s))) 0 (builtins.genList (i: i) (n / 100 * 10))
