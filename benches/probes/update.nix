# n one-attribute updates onto a 100-attribute set: n * 100 (Nix: n * 100)
# probe-n: 10000
n: let base = builtins.listToAttrs (builtins.genList (i: { name = "a${toString i}"; value = i; }) 100); in
(builtins.foldl' (acc: i: builtins.seq acc.a0 (acc // { a0 = i; })) base (builtins.genList (i: i) n)).a0
