# Where a string with context is fine: names without it (unsafeDiscardStringContext), the
# subject of match and split, the text of substring and stringLength, a static name.
let
  d = derivation { name = "a"; builder = "b"; system = "x"; };
  s = "${d}";
  n = builtins.unsafeDiscardStringContext s;
in [
  (builtins.attrNames { ${n} = 1; })
  ({ ${n} = 2; } ? ${n})
  ({ ${n} = 3; }.${n} or 0)
  (builtins.hasAttr n { ${n} = 4; })
  (builtins.attrNames (builtins.listToAttrs [ { name = n; value = 5; } ]))
  (builtins.match "/nix/store/.*-(a)" s)
  (builtins.split "-" (builtins.substring 0 0 s + "x-y"))
  (builtins.parseDrvName (builtins.unsafeDiscardStringContext "${d.name}-1.0"))
  (builtins.hasContext (builtins.elemAt (builtins.split "-" s) 0))
  ({ a = 6; }.${builtins.substring 0 0 n + "a"})
]
