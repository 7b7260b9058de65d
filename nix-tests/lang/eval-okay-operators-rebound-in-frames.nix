# Nix reads `a - b` as `__sub a b` (likewise `*`, `/`, the comparisons, and `<p>` as
# `__findFile __nixPath "p"`): a `rec` set, a `let` or a legacy `let { }` that binds such a
# name takes the operator over even where the binding's value or a function in the frame
# never spells the name.
let
  viaRec = rec { __sub = x: y: 9; r = 3 - 1; }.r;
  viaLess = rec { __lessThan = x: y: 9; r = 3 < 1; }.r;
  viaFind = rec { __findFile = p: s: s; r = <foo>; }.r;
  legacy = let { __sub = x: y: 9; body = 3 - 1; };
  inFunction = let __mul = x: y: 7; f = x: x * 2; in f 3;
  inSet = let __div = x: y: 7; g = { a = 1 / 2; }; in g.a;
  negation = let __sub = x: y: [ x y ]; f = v: -v; in f 4;
  searchPath = let __nixPath = [ { prefix = "q"; path = "/q"; } ]; __findFile = p: s: [ (builtins.length p) s ]; f = _: <q/r>; in f 1;
  untouched = let g = x: x - 1; in g 3;
in
[ viaRec viaLess viaFind legacy inFunction inSet negation searchPath untouched ]
