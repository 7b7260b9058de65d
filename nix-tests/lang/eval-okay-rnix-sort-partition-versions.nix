# `sort` keeps the elements themselves (a function stays the same cell, so lists of it
# compare equal, as in Nix); `partition` forces every element before the predicate sees
# it; `compareVersions` reads a component as a number only if it fits a C int.
let
  f = x: x;
  g = builtins.add 1;
in
{
  sortKeepsCells = builtins.sort (a: b: false) [ f g ] == [ f g ];
  sortLessThan = builtins.sort builtins.lessThan [ 3 (1 + 1) 1 ];
  partitionForces = (builtins.tryEval (builtins.length (builtins.partition (x: true) [ (throw "boom") ]).right)).success;
  partitionOk = builtins.partition (x: x > 1) [ 1 2 (1 + 2) ];
  versions = map (p: builtins.compareVersions (builtins.elemAt p 0) (builtins.elemAt p 1)) [
    [ "3000000000" "4" ]
    [ "a" "2147483648" ]
    [ "2147483647" "2147483646" ]
    [ "1.2147483648" "1.3" ]
    [ "1.0pre" "1.0" ]
  ];
}
