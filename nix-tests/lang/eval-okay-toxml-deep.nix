# `toXML` of values nested deeper than 5,000 levels (Nix prints them; its indentation
# makes the text quadratic in the depth), and `//` with a few names on the left of a
# large set, whose own values win.
let
  nest = wrap: n: builtins.foldl' (acc: i: wrap acc) 0 (builtins.genList (i: i) n);
  big = builtins.listToAttrs (builtins.genList (i: { name = "k${toString i}"; value = i; }) 2000);
  merged = { k5 = "left"; zz = "new"; a = 1; } // big;
in
[
  (builtins.stringLength (builtins.toXML (nest (x: [ x ]) 10000)))
  (builtins.stringLength (builtins.toXML (nest (x: { a = x; }) 6000)))
  merged.k5
  merged.zz
  merged.a
  (builtins.length (builtins.attrNames merged))
  (builtins.head (builtins.attrNames merged))
]
