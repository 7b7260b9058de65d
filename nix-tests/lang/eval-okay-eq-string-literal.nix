# `==` and `!=` against a string literal, compared in place (`ops.rs`, `eq_literal`):
# only a string with the same bytes is equal; its context does not matter; a set with
# `__toString` or `outPath`, a path, a number or null is not equal to a string.
let
  s = "abc";
  withContext = "${builtins.toFile "eq-literal" "x"}";
  ctxStr = builtins.substring 0 0 withContext + "abc";
  toStr = { __toString = self: "abc"; };
  drvLike = { outPath = "abc"; };
  classify = x:
    if x == "k0" then 0
    else if x == "k1" then 1
    else if x != "k2" then 3
    else 2;
in
[
  (s == "abc") (s != "abc") (s == "ab") (s == "abcd") (s == "") ("" == "")
  (ctxStr == "abc") (ctxStr != "abc")
  (toStr == "abc") (drvLike == "abc") (./. == "/") (1 == "1") (null == "null") (true == "true")
  ([ "a" ] == "a") ("a" == s) (s.x or "abc" == "abc")
  (classify "k0") (classify "k1") (classify "k2") (classify "k9") (classify 5)
  (s == "abc" || throw "not reached") (s == "x" && throw "not reached")
  (builtins.tryEval ((throw "lhs") == "a")).success
  (''
    abc'' == "abc")
  ("a${s}" == "aabc")
]
