# Deep variable lookups.
# Measures: resolution of variables through many nested `let` scopes and
# nested `with` scopes (dynamic lookup walks the `with` chain, the innermost
# `with` wins, lexical `let` bindings shadow every `with`), inside a hot loop.
let
  e1 = { a = 1; b = 2; c = 3; shadow = 100; };
  e2 = { d = 4; e = 5; f = 6; shadow = 200; };
  e3 = { g = 7; h = 8; i = 9; };
  e4 = { j = 10; k = 11; l = 12; };
  e5 = { m = 13; n = 14; o = 15; };
  x0 = 1;
in
let x1 = x0 + 1; in
let x2 = x1 + 1; in
let x3 = x2 + 1; in
let x4 = x3 + 1; in
let x5 = x4 + 1; in
let x6 = x5 + 1; in
let x7 = x6 + 1; in
let x8 = x7 + 1; in
with e1;
with e2;
let y1 = a + d; in
with e3;
with e4;
let y2 = y1 + g + j; in
with e5;
let
  # every name below is found at a different depth of the scope chain
  body = v: a + b + c + d + e + f + g + h + i + j + k + l + m + n + o
    + x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + y1 + y2 + shadow + v;
  loop = builtins.foldl'
    (acc: v: acc + (with { inner = v; }; body inner))
    0
    (builtins.genList (v: v) 1000000);
in
loop
