# Attribute sets made every way the evaluator makes them (literals, `//` copied, layered
# and updated in place, builtins), checked by lookups, walks, equality and positions.
let
  inherit (builtins) genList listToAttrs foldl' attrNames attrValues removeAttrs
    intersectAttrs mapAttrs length toJSON hasAttr unsafeGetAttrPos;
  range = n: genList (i: i) n;
  mk = prefix: n: v: listToAttrs (map (i: { name = "${prefix}${toString i}"; value = v i; }) (range n));
  big = mk "k" 2000 (i: i);
  few = { k5 = "five"; new1 = 1; k1999 = "last"; a = 0; zz = 9; };
  layered = big // few;
  under = few // big;
  halves = mk "k" 1500 (i: -i) // mk "k" 2000 (i: i * 2);
  # An accumulator nothing else holds: each step may grow it in place.
  grown = foldl' (acc: i: acc // { "k${toString (i * 7)}" = "r${toString i}"; "n${toString i}" = i; }) { k0 = 0; m = 1; } (range 40);
  # Past the layer depth: the layers are merged into one.
  deep = foldl' (acc: i: acc // { "d${toString i}" = i; k3 = i; }) big (range 30);
  summary = s: {
    n = length (attrNames s);
    names = let ns = attrNames s; in [ (builtins.head ns) (builtins.elemAt ns (length ns / 2)) (builtins.elemAt ns (length ns - 1)) ];
    sum = foldl' (a: v: if builtins.isInt v then a + v else a + 1000) 0 (attrValues s);
  };
  churn = foldl' (n: i: n + length (attrNames (mk "c${toString i}" 1100 (j: j) // { x = i; }))) 0 (range 5);
  rec1 = rec { a = 1; b = a + 1; c = { inherit a b; d = b * 2; }; };
  dyn = let k = "dyn"; in { "${k}1" = 1; static = 2; ${if true then "z" else "y"} = 3; ${null} = 4; };
  dups = listToAttrs [ { name = "x"; value = 1; } { name = "y"; value = 2; } { name = "x"; value = 3; } ];
in
{
  inherit churn rec1 dyn dups;
  layered = summary layered // { k5 = layered.k5; a = layered.a; has = hasAttr "new1" layered; k7 = layered.k7 or "none"; };
  under = summary under // { k5 = under.k5; a = under.a; };
  halves = summary halves // { k10 = halves.k10; k1800 = halves.k1800; };
  grown = summary grown // { k7 = grown.k7; k273 = grown.k273; n39 = grown.n39; m = grown.m; };
  deep = summary deep // { k3 = deep.k3; d29 = deep.d29; d0 = deep.d0; missing = deep ? d30; };
  removed = summary (removeAttrs layered (map (i: "k${toString (i * 3)}") (range 700)));
  inter = [ (intersectAttrs few big) (attrNames (intersectAttrs big few)) (intersectAttrs { } big) ];
  mapped = summary (mapAttrs (n: v: if builtins.isInt v then v + 1 else v) layered);
  equal = [ (layered == big // few) (mk "k" 3 (i: i) == { k0 = 0; k1 = 1; k2 = 2; }) (layered == big) ({ } == removeAttrs { a = 1; } [ "a" ]) ];
  json = toJSON (removeAttrs grown (attrNames (intersectAttrs grown big)));
  pos = [ (unsafeGetAttrPos "b" rec1) (unsafeGetAttrPos "static" dyn) (unsafeGetAttrPos "new1" layered) (unsafeGetAttrPos "k1" big) ];
}
