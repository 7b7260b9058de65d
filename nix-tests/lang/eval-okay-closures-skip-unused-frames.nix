# Functions defined inside `let` and `rec` frames they never name hold the frame above
# them instead (rnix-eval's `Lambda::skip`): every variable they read must still be the
# one written, through any mix of skipped and kept frames, `with`, formals' defaults,
# interpolation, `inherit`, shadowing and recursion.
let
  x = 1;
  x2 = "t";
  f = let y = 2; in a: a + x;
  g = let x = 10; in a: a + x;
  h = let y = 3; z = 4; in let w = 5; in a: b: a + b + x;
  k = let y = 1; in with { q = 7; }; a: a + q + x;
  kw = with { q = 8; }; let y = 1; in a: a + q;
  r = rec { u = 1; v = a: a + x; w = v u; };
  m = let v = 3; in { p = n: n + x; inherit v; };
  nested = let y = 2; in a: let z = 3; in b: a + b + x + (let q = 4; in c: c + x) 1;
  shadow = let y = 2; in y: y + 1;
  strs = let y = "s"; in a: "${a}${x2}";
  fd = let y = 2; in { a ? x, b ? a + 1 }: a + b;
  fdUses = let y = 2; in { a ? y }: a;
  inh = let y = 5; in a: { inherit a x; };
  inhFrom = let s = { p = 1; }; in a: { inherit (s) p; };
  recur = let go = n: if n == 0 then x else go (n - 1); in go 5;
  mutual = let even = n: if n == 0 then true else odd (n - 1); odd = n: if n == 0 then false else even (n - 1); in even 10;
  sel = let y = { z = 3; }; in a: a.y or x;
  dyn = let y = "n"; in a: { ${x2} = a; };
  fix = let self = { a = 1; b = self.a + 1; g = n: n + x; }; in self.g self.b;
  lists = let ys = map (i: i * x) [ 1 2 3 ]; in builtins.foldl' (acc: v: acc + v) 0 ys;
  mapped = let base = { a = 1; b = 2; }; m = builtins.mapAttrs (n: v: v + x) base; in m.b;
  curried = let y = 9; in builtins.foldl' (acc: _: acc + x) 0 [ 1 2 3 ];
  scoped = let inner = let t = 1; in u: let v = u + x; in w: v + w; in inner 2 3;
  letBody = let a = 1; in let b = 2; in c: c + a;
  legacy = let { y = 4; body = a: a + x; };
in
[ (f 1) (g 1) (h 1 2) (k 1) (kw 1) r.w (m.p 1) m.v (nested 1 2) (shadow 1) (strs "a")
  (fd { }) (fd { a = 5; }) (fdUses { }) (inh 3) (inhFrom 0) recur mutual (sel { }) (sel { y = 6; })
  (dyn 4) fix lists mapped curried scoped (letBody 2) (legacy 3) ]
