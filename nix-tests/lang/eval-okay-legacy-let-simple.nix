# `let { ... }` is a simple expression in Nix's grammar: a function's argument, a list
# element, an operand, a base to select from (fuzzing found each refused as a syntax error).
let
  f = x: x * 10;
in
[
  (f let { body = 1; })
  let { body = 2; }
  let { a = { x = 3; }; body = a; }.x
  (let { body = { y = 4; }; } // { z = 5; })
  ((x: y: x + y) let { body = 6; } let /* comment */ { body = 7; })
  (let { body = let { body = 8; }; })
]
