# mapAttrs, zipAttrsWith and groupBy over n names: n log n (Nix: n log n)
# probe-n: 100000
n: let s = builtins.listToAttrs (builtins.genList (i: { name = "a${toString (n - i)}"; value = i; }) n);
  m = builtins.mapAttrs (k: v: v + 1) s;
  z = builtins.zipAttrsWith (k: vs: builtins.length vs) [ s m s ];
  g = builtins.groupBy (x: "g${toString (x / 3)}") (builtins.genList (i: n - i) n);
in builtins.length (builtins.attrNames m) + z.a1 + builtins.length (builtins.attrNames g)
