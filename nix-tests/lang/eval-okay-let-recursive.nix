# let bindings are mutually recursive
let
  a = b + 1;
  b = c * 2;
  c = 10;
in a
