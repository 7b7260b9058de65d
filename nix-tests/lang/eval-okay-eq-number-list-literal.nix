# `==` and `!=` against an integer literal or `[ ]`, compared in place (`ops.rs`,
# `eq_literal`): a float equal to the integer is equal, a string, null, a set or a
# list is not; only an empty list equals `[ ]` (a set, null, "" and a thunk of one do
# not); operands are forced first, and an error in them is still reported.
let
  zero = 0;
  lists = [ [ ] [ 1 ] [ [ ] ] ];
  rel = a: b: if a < b then -1 else if a > b then 1 else 0;
  compareLists = a: b:
    if a == [ ] then (if b == [ ] then 0 else -1)
    else if b == [ ] then 1
    else let r = rel (builtins.head a) (builtins.head b); in
      if r == 0 then compareLists (builtins.tail a) (builtins.tail b) else r;
in
[
  (zero == 0) (zero != 0) (zero == 1) (1 == 1) (0.0 == 0) (1.5 == 1) (2.0 != 2)
  ((1 + 1) == 2) ("0" == 0) (null == 0) (false == 0) ({ } == 0) ([ 0 ] == 0)
  (-1 == -1) ((0 - 1) == -1) (9223372036854775807 == 9223372036854775807)
  ([ ] == [ ]) ([ 1 ] == [ ]) ([ ] != [ ]) ({ } == [ ]) (null == [ ]) ("" == [ ])
  (builtins.elemAt lists 0 == [ ]) (builtins.elemAt lists 2 != [ ])
  (builtins.tail [ 1 ] == [ ]) (builtins.filter (x: x != [ ]) lists)
  (compareLists [ 1 2 ] [ 1 2 ]) (compareLists [ 1 ] [ 1 2 ]) (compareLists [ 2 ] [ 1 5 ])
  (builtins.tryEval ((throw "lhs") == 0)).success
  (builtins.tryEval ((throw "lhs") == [ ])).success
  (zero == 0 || throw "not reached") (zero == 1 && throw "not reached")
]
