[
  (builtins.genericClosure { startSet = [ { key = 1; } ]; operator = x: if x.key < 5 then [ { key = x.key + 1; } { key = x.key * 2; } ] else [ ]; })
  (builtins.genericClosure { startSet = [ { key = 1; v = "int"; } { key = 1.0; v = "float"; } ]; operator = x: [ ]; })
  (builtins.genericClosure { startSet = [ { key = [ 1 2 ]; } { key = [ 1 2 ]; } { key = [ 1 ]; } ]; operator = x: [ ]; })
  (builtins.genericClosure { startSet = [ ]; operator = x: throw "not called"; })
  (builtins.genericClosure { startSet = [ { key = 3; extra = "first"; } ]; operator = x: [ { key = 3; extra = "second"; } ]; })
]
