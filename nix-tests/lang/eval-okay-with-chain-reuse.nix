# One `with` variable looked up through changing chains of namespaces: a new inner set
# with or without the name, a new outer set, the same chain again, more than four `with`s,
# and a namespace that is not evaluated until the lookup needs it. Each answer must come
# from the namespaces of that lookup, whatever an earlier lookup of the same variable found.
let
  outer = { x = "outer"; y = "outer-y"; };
  other = { x = "other"; };
  f = inner: with outer; with inner; x;
  g = a: b: with a; with b; with { }; with { z = 0; }; with { w = 1; }; [ x y ];
  h = inner: with outer; with inner; with { v = 1; }; x + y;
  lazy = n: with (if n > 0 then { x = "lazy${toString n}"; } else outer); x;
  loop = builtins.genList (i: f (if builtins.bitAnd i 1 == 0 then { } else { x = "inner${toString i}"; })) 20;
in
{
  inherit loop;
  alternating = map f [ { } { x = 1; } { } { } { x = 2; } { y = 3; } { } ];
  outerChanges = map (o: with o; with { z = 1; }; x) [ outer other outer other other outer ];
  deep = map (b: g outer b) [ { } { x = "b"; } { } { y = "by"; } { } ];
  deepOuter = map (a: g a { }) [ outer { x = 1; y = 2; } outer ];
  sums = map h [ { } { y = "-inner"; } { x = "X"; } { } ];
  lazies = map lazy [ 0 1 2 0 3 ];
}
