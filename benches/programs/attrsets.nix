# Large attribute sets.
# Measures: builtins.listToAttrs on 100k entries (sorting/dedup of names),
# `//` merges of large sets (repeated, overlapping and disjoint), attribute
# selection, hasAttr, `or` defaults, attrNames/attrValues and removeAttrs.
let
  n = 100000;
  name = i: "k" + toString i;
  mk = off: builtins.listToAttrs
    (builtins.genList (i: { name = name (i + off); value = i + off; }) n);
  a = mk 0;          # k0 .. k99999
  b = mk 50000;      # overlaps the upper half of a
  c = mk 200000;     # disjoint
  merged = a // b // c;
  # repeated merges: each round overrides a small set of keys on top of the big one
  rounds = builtins.foldl'
    (acc: r: acc // { "k${toString r}" = r * 2; round = r; })
    merged
    (builtins.genList (r: r) 40);
  big = builtins.foldl' (acc: s: acc // s) { } [ a b c a b c ];
  lookups = builtins.foldl'
    (s: i: s + (rounds.${name (i * 7)} or 0)
       + (if builtins.hasAttr (name (i * 11)) big then 1 else 0))
    0
    (builtins.genList (i: i) 50000);
  shrunk = builtins.removeAttrs merged (builtins.genList (i: name (i * 2)) 20000);
in
{
  size = builtins.length (builtins.attrNames merged);
  sizeBig = builtins.length (builtins.attrValues big);
  sizeShrunk = builtins.length (builtins.attrNames shrunk);
  last = rounds.round;
  inherit lookups;
}
