let
  x = 1;
  s = { a = 10; b = 20; };
in
  let inherit x; inherit (s) a b; in [ x a b ]
