# `acc ++ ...` where `acc` is read nowhere after it may append in place (moves.rs); every
# way the list could still be seen must see it unchanged.
let
  inherit (builtins) foldl' elem genList length elemAt tryEval;
  build = foldl' (acc: x: acc ++ [ x ]) [ ] (genList (i: "s${toString i}") 1000);
  unique = foldl' (acc: e: if elem e acc then acc else acc ++ [ e ]) [ ];
  shared = [ 1 2 ];
  grown = foldl' (acc: x: acc ++ [ x ]) shared [ 3 4 ];
  f = acc: x: acc ++ [ x ];
  g = f [ 1 ];
  twice = acc: x: acc ++ acc ++ [ x ];
  keep = acc: x: let r = acc ++ [ x ]; in [ r acc ];
  lazy = acc: x: [ ((acc ++ [ x ]) ++ (if x == 2 then throw "boom" else [ ])) ];
  retried = lazy [ 1 ] 2;
  cond = acc: x: if length acc > 2 then acc else acc ++ [ x ];
  steps = foldl' cond [ ] [ 1 2 3 4 5 ];
  inner = acc: map (x: acc ++ [ x ]) [ 1 2 ];
in
{
  build = [ (length build) (elemAt build 0) (elemAt build 999) ];
  unique = unique [ 1 2 1 3 2 4 4 5 ];
  inherit shared grown steps;
  partial = [ (g 2) (g 3) g (f [ 0 ] 1) ];
  twice = foldl' twice [ 0 ] [ 1 2 ];
  keep = keep [ 1 ] 2;
  retried = [ (tryEval (elemAt retried 0)).success (tryEval (elemAt retried 0)).success ];
  inner = inner [ 0 ];
}
