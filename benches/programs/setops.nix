# Builtins whose cost should follow the small operand: intersectAttrs of a tiny set with a
# huge one (both ways), removeAttrs of a few names, `//` of a small set onto a large one,
# catAttrs, genericClosure over 100k keys, lib.unique (foldl' + elem) over 3,000 elements,
# zipAttrsWith and groupBy over 100k names met in another order than they were created.
let
  n = 100000;
  big = builtins.listToAttrs (builtins.genList (i: { name = "k${toString i}"; value = i; }) n);
  small = { k5 = 1; k99999 = 2; };
  rounds = builtins.genList (i: i) 300;
  inter = builtins.foldl' (acc: i:
    acc + builtins.length (builtins.attrNames (builtins.intersectAttrs small big))
        + builtins.length (builtins.attrNames (builtins.intersectAttrs { "k${toString i}" = 0; } big))) 0 rounds;
  interRev = builtins.length (builtins.attrNames (builtins.intersectAttrs big small));
  removed = builtins.foldl' (acc: i: acc + (builtins.removeAttrs big [ "k${toString i}" ]).k99999) 0 (builtins.genList (i: i) 20);
  cat = builtins.length (builtins.catAttrs "a" (builtins.genList (i: if i / 2 * 2 == i then { a = i; } else { }) n));
  closure = builtins.length (builtins.genericClosure {
    startSet = [ { key = 0; } ];
    operator = x: if x.key < n then [ { key = x.key + 1; } { key = x.key / 2; } ] else [ ];
  });
  unique = builtins.foldl' (acc: e: if builtins.elem e acc then acc else acc ++ [ e ]) [ ]
    (builtins.genList (i: i / 2) 6000);
  sorted = builtins.length (builtins.sort (a: b: a < b) (builtins.genList (i: (i * 7919) - (i / 13) * 100000) n));
  lists = builtins.length (builtins.concatLists (builtins.genList (i: [ i i ]) n));
  names = builtins.attrNames big;
  reversed = builtins.genList (i: builtins.elemAt names (n - 1 - i)) n;
  zipped = builtins.length (builtins.attrNames (builtins.zipAttrsWith (k: v: v) (map (k: { ${k} = 1; }) reversed)));
  grouped = builtins.length (builtins.attrNames (builtins.groupBy (k: k) reversed));
in {
  inherit inter interRev removed cat closure sorted lists zipped grouped;
  unique = builtins.length unique;
}
