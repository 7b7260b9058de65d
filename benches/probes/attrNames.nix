# attrNames and attrValues of an n-attribute set, 20 times: n log n (Nix: sorts names)
# probe-n: 5000
n: let s = builtins.listToAttrs (builtins.genList (i: { name = "a${toString (n - i)}"; value = i; }) n); in
builtins.foldl' (acc: k: acc + builtins.length (builtins.attrNames s) + builtins.length (builtins.attrValues s)) 0 (builtins.genList (i: i) 20)
