# Strict left fold over large generated lists.
# Measures: builtins.genList (list allocation + per-element thunks),
# builtins.foldl' (strict accumulator), lambda calls, integer arithmetic,
# and (second fold) a small attrset allocated per step, forced with seq.
let
  n = 3000000;
  xs = builtins.genList (i: i * 3) n;
  step = acc: x: acc + (if builtins.lessThan x 4500000 then x else builtins.sub 0 x) / 3
    + builtins.div (builtins.mul x 2) 7;
  sum = builtins.foldl' step 0 xs;
  pairs = builtins.foldl'
    (acc: x:
      let a = acc.a + 1; b = acc.b + x; in
      builtins.seq a (builtins.seq b { inherit a b; }))
    { a = 0; b = 0; }
    (builtins.genList (i: i) 500000);
in
{ inherit sum; count = pairs.a; total = pairs.b; }
