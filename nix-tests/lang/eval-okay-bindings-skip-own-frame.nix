# `let` and `rec` bindings whose values spell none of the frame's names are evaluated in
# the frame above (rnix-eval's `Binding::outer`): they must still see every variable as
# written, next to bindings that do read the frame, under `with`, in `__overrides` sets,
# through `inherit`, and when a binding shadows an outer name it does not read.
let
  x = 1;
  s = { p = 2; q = 3; };
  a = let y = x + 1; z = y + 1; w = s.p; in [ y z w ];
  b = rec { u = x; v = u + 1; w = s.q; t = { inherit x; }; };
  c = let x = 10; y = x; in y;
  d = let y = 5; in let z = x; w = y; in [ z w ];
  e = with s; let y = p; z = q + x; in [ y z ];
  f = rec { __overrides = { v = 7; }; u = x; v = 1; w = v; };
  g = let inherit (s) p; y = s.q; z = p + y; in z;
  h = let y = "${toString x}-${toString (s.r or "none")}"; in y;
  i = let unused = throw "never"; y = x; in y;
  k = rec { a = x; b = let c = a; in c; };
  l = let m = map (n: n + x) [ 1 2 ]; in m;
in
[ a b.v b.w b.t c d e f.v f.w g h i k.b l ]
