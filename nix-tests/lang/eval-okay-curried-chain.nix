# Applications of curried functions to three or more arguments at once, entered as one
# chain of frames (`eval.rs`, `curried_chain`): arguments in order, partial applications
# of any length, a chain longer than the arguments given, lambdas with patterns or a
# function returned in the middle, recursion through the chain, and laziness of the
# arguments.
let
  f4 = a: b: c: d: [ a b c d ];
  f3 = a: b: c: a * 100 + b * 10 + c;
  mid = a: b: { x }: c: [ a b x c ];
  ret = a: b: c: (d: e: [ a b c d e ]);
  compareLists = cmp: a: b:
    if a == [ ] then (if b == [ ] then 0 else -1)
    else if b == [ ] then 1
    else let rel = cmp (builtins.head a) (builtins.head b); in
      if rel == 0 then compareLists cmp (builtins.tail a) (builtins.tail b) else rel;
  splitBy = p: yes: no: a: b:
    if p a then (if p b then yes a b else -1) else if p b then 1 else no a b;
  cmp = a: b: if a < b then -1 else if a > b then 1 else 0;
  count = n: acc: step: if n == 0 then acc else count (n - 1) (acc + step) step;
  p2 = f4 1 2;
  p3 = f4 1 2 3;
in
[
  (f4 1 2 3 4) (f3 1 2 3) (p2 5 6) (p3 7) (map (f4 "a" "b" "c") [ "d" "e" ])
  (mid 1 2 { x = 3; } 4) (ret 1 2 3 4 5) ((ret 1 2 3) 4 5)
  (compareLists cmp [ 1 2 3 ] [ 1 2 4 ]) (compareLists cmp [ 1 2 ] [ 1 2 ])
  (builtins.sort (a: b: compareLists (splitBy (x: x == 0) cmp cmp) a b < 0)
    [ [ 2 1 ] [ 0 5 ] [ 1 1 ] [ 0 0 ] [ 2 ] ])
  (count 1000 0 3)
  (builtins.length (f4 (throw "a") (throw "b") (throw "c") (throw "d")))
]
