# Many float, list and path keys met in descending, ascending and alternating order
# (more than one chunk of the sorted key store), with duplicates, ints equal to floats,
# and mixed numbers: the closure's order and which duplicates are dropped.
let
  closure = start: next: builtins.genericClosure { startSet = start; operator = next; };
  down = x: if x.key > 0 then [ { key = x.key - 0.5; } { key = x.key - 1; } ] else [ ];
  floats = closure [ { key = 700.0; } ] down;
  lists = closure [ { key = [ "k" 1500 ]; } ] (x: let v = builtins.elemAt x.key 1; in
    if v > 0 then [ { key = [ "k" (v - 1) ]; } { key = [ "k" (v - v / 2 * 2) ]; } ] else [ ]);
  zigzag = closure (builtins.genList (i: { key = if i / 2 * 2 == i then 0.25 * i else 0.0 - 0.25 * i; }) 1200)
    (x: [ { key = x.key; } { key = 0.0 - x.key; } ]);
  mixed = closure (builtins.genList (i: { key = if i / 3 * 3 == i then i else i * 1.0; n = i; }) 1100)
    (x: if x.n < 0 then [ ] else [ { key = x.key * 1.0; n = -1; } { key = x.key + 0.5; n = -2; } ]);
  paths = closure (builtins.genList (i: { key = /. + "/p${toString (1000 - i)}"; }) 1000) (x: [ { key = x.key; } ]);
in
{
  floats = [ (builtins.length floats) (builtins.elemAt floats 1).key (builtins.elemAt floats 1399).key ];
  floatSum = builtins.foldl' (s: x: s + x.key) 0 floats;
  lists = map (x: builtins.elemAt x.key 1) (builtins.genList (i: builtins.elemAt lists (i * 100)) 15);
  listCount = builtins.length lists;
  zigzag = [ (builtins.length zigzag) (builtins.foldl' (s: x: s + x.key) 0 zigzag) ];
  mixed = [ (builtins.length mixed) (builtins.foldl' (s: x: s + x.n) 0 mixed) ];
  paths = builtins.length paths;
}
