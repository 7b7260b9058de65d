# Equal keys of different types (1 and 1.0), strings, floats, lists and paths as keys.
let
  keys = [ 1 1.0 2.5 2 "a" "a" [ 1 2 ] [ 1 2 ] [ 1 ] 3 3.0 ];
  close = ks: map (x: x.key) (builtins.genericClosure {
    startSet = map (key: { inherit key; }) ks;
    operator = x: [ ];
  });
in [
  (close [ 1 1.0 2.5 2 2.0 3 ])
  (close [ "b" "a" "b" "c" ])
  (close [ [ 1 2 ] [ 1 ] [ 1 2 ] [ ] ])
  (close [ ./a ./b ./a ])
  (close [ 1.5 1 1.5 4.0 4 ])
]
