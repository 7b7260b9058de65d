# A `map`/`mapAttrs` element whose function fails is restored, not left blackholed:
# forcing it again after `tryEval` reports the same error, not infinite recursion.
let
  l = map (throw "bad function") [ 1 ];
  s = builtins.mapAttrs (throw "bad mapAttrs function") { a = 1; };
in
builtins.seq (builtins.tryEval (builtins.elemAt l 0))
  (builtins.seq (builtins.tryEval s.a) (builtins.elemAt l 0))
