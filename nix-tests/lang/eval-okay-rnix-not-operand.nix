# `!` may start any operand: it binds looser than arithmetic, tighter than comparison.
let
  t = true;
  f = false;
  x = { a = true; };
in
[
  (1 + 0 == 1 && !f)
  (!t == f)
  (!t || t)
  (t && !t || !f)
  (!x ? a)
  (!x.a)
  (-(1 + 2) == -3)
  ([ (!f) ] ++ [ (!t) ])
  (if !f then "yes" else "no")
  ({ b = !t; } // { c = !f; })
  (!t -> f)
  # These parse (evaluating them would be a type error).
  (builtins.isFunction (y: 1 + !y))
  (builtins.isFunction (y: 2 * !y + 1))
  (builtins.isFunction (y: - !y))
  (builtins.isFunction (y: [ 1 ] ++ !y))
  (builtins.isFunction (y: 1 + !y // y))
]
