# `e ++ acc` where `acc` is read nowhere else may give its list up (moves.rs), and so
# may an operand whose slot holds a thunk once it is read (a `lib.foldr` accumulator);
# every way the list could still be seen must see it unchanged.
let
  inherit (builtins) foldl' genList length elemAt tryEval elem;
  foldr = op: nul: list:
    let
      len = length list;
      fold' = n: if n == len then nul else op (elemAt list n) (fold' (n + 1));
    in
    fold' 0;
  prepended = foldl' (acc: x: [ x ] ++ acc) [ ] (genList (i: "s${toString i}") 1000);
  shared = [ 1 2 ];
  grown = foldl' (acc: x: [ x ] ++ acc) shared [ 3 4 ];
  f = acc: x: [ x ] ++ acc;
  g = f [ 1 ];
  both = a: b: a ++ b;
  same = both shared shared;
  twice = acc: x: [ x ] ++ [ x ] ++ acc;
  keep = acc: x: let r = [ x ] ++ acc; in [ r acc ];
  failing = acc: x: (if x == 2 then throw "boom" else [ x ]) ++ acc;
  retried = acc: [ (tryEval (failing acc 2)).success (failing acc 3) acc ];
  uniqueR = foldl' (acc: e: if elem e acc then acc else [ e ] ++ acc) [ ];
  inner = acc: map (x: [ x ] ++ acc) [ 1 2 ];
  right = foldr (x: acc: [ x ] ++ acc) [ ] (genList (i: i * 2) 500);
  left = foldr (x: acc: acc ++ [ x ]) [ ] (genList (i: i) 500);
  lazyAcc = foldr (x: acc: acc ++ (if x == 3 then [ ] else [ x ])) [ 0 ] [ 1 2 3 4 ];
  sharedThunk = let t = foldr (x: acc: acc ++ [ x ]) [ ] [ 1 2 ]; in [ t (t ++ [ 9 ]) t ];
  # A thunk-held accumulator whose forcing fails, on either side, and for `//`.
  failingEnd = side: (tryEval (length (foldr side (throw "end") [ 1 2 ]))).success;
  failures = [
    (failingEnd (x: acc: [ x ] ++ acc))
    (failingEnd (x: acc: acc ++ [ x ]))
    (tryEval (foldr (x: acc: acc // { ${toString x} = x; }) (throw "end") [ 1 ])).success
  ];
  sets = foldr (x: acc: acc // { "k${toString x}" = x * 2; }) { } (genList (i: i) 50);
  elements = foldr (x: acc: [ (x * 3) ] ++ acc ++ [ (x + 1) ]) [ ] [ 1 2 3 ];
in
{
  prepended = [ (length prepended) (elemAt prepended 0) (elemAt prepended 999) ];
  inherit shared grown same;
  partial = [ (g 2) (g 3) g (f [ 0 ] 1) ];
  twice = foldl' twice [ 0 ] [ 1 2 ];
  keep = keep [ 1 ] 2;
  retried = retried [ 7 ];
  unique = uniqueR [ 1 2 1 3 2 4 4 5 ];
  inner = inner [ 0 ];
  right = [ (length right) (elemAt right 0) (elemAt right 499) ];
  left = [ (length left) (elemAt left 0) (elemAt left 499) ];
  inherit lazyAcc sharedThunk failures elements;
  sets = [ (builtins.attrNames sets == builtins.sort builtins.lessThan (builtins.attrNames sets)) sets.k49 sets.k0 ];
}
