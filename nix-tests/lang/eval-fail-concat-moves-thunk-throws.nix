# A thunk-held accumulator (`lib.foldr`'s) that fails when the marked `acc ++ e` forces
# it: the ordinary error (moves.rs).
let
  foldr = op: nul: list:
    let
      len = builtins.length list;
      fold' = n: if n == len then nul else op (builtins.elemAt list n) (fold' (n + 1));
    in
    fold' 0;
in
foldr (x: acc: [ x ] ++ acc) (throw "the end of the list") [ 1 2 3 ]
