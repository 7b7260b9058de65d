# listToAttrs of n pairs, every name twice: n log n (Nix: n log n)
# probe-n: 100000
n: builtins.length (builtins.attrNames (builtins.listToAttrs (builtins.genList (i: { name = "k${toString (i / 2)}"; value = i; }) n)))
