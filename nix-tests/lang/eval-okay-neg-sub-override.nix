# Nix parses `-e` as `__sub 0 e`: a local `__sub` takes over negation too.
let
  __sub = a: b: [ a b ];
  x = 5;
in
[ (-x) (-3) (- (1 + 1)) (with { y = 1; }; -y) ]
