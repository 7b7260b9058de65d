# `a // b` where `b` (16 names or more) already has every name of `a`: a set of its own,
# not `b` itself, so the strict printer shows it in full instead of `«repeated»`; and the
# same through a layer over a large set on the left (`big // { a1 = ...; }`).
let
  b = builtins.listToAttrs (builtins.genList (i: { name = "a${toString i}"; value = i; }) 16);
  big = builtins.listToAttrs (builtins.genList (i: { name = "b${toString i}"; value = i; }) 40);
in
[ ({ a1 = "x"; } // b) b ({ } // b) (big // { b1 = "y"; }) big (builtins.foldl' (acc: i: { a1 = i; } // acc) b [ 1 2 ]) ]
