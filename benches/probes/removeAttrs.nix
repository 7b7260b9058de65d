# removeAttrs of n/2 names from an n-attribute set: n log n (Nix: sorts the names, one pass)
# probe-n: 100000
n: let s = builtins.listToAttrs (builtins.genList (i: { name = "a${toString i}"; value = i; }) n); in
builtins.length (builtins.attrNames (removeAttrs s (builtins.genList (i: "a${toString (i * 2)}") (n / 2))))
