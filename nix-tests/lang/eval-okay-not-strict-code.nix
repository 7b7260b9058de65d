# Without --strict, what Nix leaves unevaluated prints as <CODE>: arithmetic and lambdas
# are thunks in Nix, literals, variables bound to values and `[ ]` are not.
let
  x = 1 + 1;
  f = y: y;
  n = 3;
in
{
  sum = 1 + 1;
  fn = y: y;
  inherit x f n;
  lit = 4;
  str = "s";
  empty = [ ];
  list = [ (n * 2) n f "t" [ ] ];
  nested = { a = n - 1; };
  applied = f 1;
  upd = { a = 1; } // { b = n + n; };
  r = rec { a = 1; b = a; c = a + 1; };
}
