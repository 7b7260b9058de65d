# Elements built by `map`, `mapAttrs` and `zipAttrsWith` can be forced again after a
# caught failure, and give the same failure (tryEval) each time.
let
  l = map (x: if x == 2 then throw "two" else x) [ 1 2 3 ];
  s = builtins.mapAttrs (n: v: if n == "b" then throw "b" else v) { a = 1; b = 2; };
  z = builtins.zipAttrsWith (n: vs: if n == "y" then throw "y" else vs) [ { x = 1; y = 2; } { x = 3; } ];
  f = builtins.mapAttrs (throw "no function") { a = 1; };
in
[
  (builtins.tryEval (builtins.elemAt l 1))
  (builtins.tryEval (builtins.elemAt l 1))
  (builtins.tryEval s.b)
  (builtins.tryEval s.b)
  s.a
  (builtins.tryEval z.y)
  (builtins.tryEval z.y)
  z.x
  (builtins.tryEval f.a)
  (builtins.tryEval f.a)
  (builtins.attrNames s)
]
