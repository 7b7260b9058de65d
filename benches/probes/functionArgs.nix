# functionArgs of a 10-formal function, n times: linear (Nix: linear)
# probe-n: 100000
n: let f = { a, b ? 1, c, d ? 2, e, f, g, h ? 3, i, j }: a; in
builtins.foldl' (acc: i: acc + builtins.length (builtins.attrNames (builtins.functionArgs f))) 0 (builtins.genList (i: i) n)
