# n lookups (hasAttr, getAttr, `?`, `.`) in an n-attribute set: n log n (Nix: binary search)
# probe-n: 100000
n: let s = builtins.listToAttrs (builtins.genList (i: { name = "a${toString i}"; value = i; }) n); in
builtins.foldl' (acc: i: let k = "a${toString (i * 3)}"; in acc + (if builtins.hasAttr k s then builtins.getAttr k s else 0) + (if s ? ${k} then 1 else 0)) 0 (builtins.genList (i: i) n)
