# Attribute names are byte strings: a name that is not UTF-8 (the first byte of "é")
# stays itself, distinct from U+FFFD, and sorts by its bytes.
let
  c3 = builtins.substring 0 1 "é";
  a9 = builtins.substring 1 1 "é";
  set = { ${c3} = 1; "\u00ff" = 2; "é" = 3; a = 4; ${a9} = 5; } // { "�" = 6; };
  grouped = builtins.groupBy (builtins.substring 0 1) [ "éa" "éb" "ÿ" "x" ];
in
{
  names = builtins.attrNames set;
  json = builtins.toJSON set;
  mapped = builtins.attrValues (builtins.mapAttrs (n: v: n + "!") set);
  get = builtins.getAttr c3 set;
  has = [ (set ? ${c3}) (set ? ${a9}) (builtins.hasAttr "\xef" set) ];
  removed = builtins.attrNames (removeAttrs set [ c3 ]);
  listed = builtins.attrNames (builtins.listToAttrs [ { name = c3; value = 1; } { name = "�"; value = 2; } ]);
  groups = builtins.mapAttrs (n: v: builtins.length v) grouped;
  inherit set;
}
