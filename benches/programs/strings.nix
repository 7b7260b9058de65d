# String building.
# Measures: string interpolation, `+` concatenation, toString on ints,
# builtins.concatStringsSep over large lists, replaceStrings, substring and
# stringLength on long strings, and toJSON of a list of strings.
let
  n = 400000;
  words = builtins.genList (i: "w${toString i}-${toString (i * 7)}") n;
  joined = builtins.concatStringsSep "," words;
  # many small interpolations
  lines = builtins.genList
    (i: "line ${toString i}: ${builtins.elemAt words i} / ${toString (i * i)}\n") n;
  text = builtins.concatStringsSep "" lines;
  # incremental concatenation with a strict fold (quadratic-ish in naive impls,
  # kept short so the result stays a few KB)
  acc = builtins.foldl' (s: i: s + builtins.substring 0 1 (toString i)) "" (builtins.genList (i: i) 20000);
  replaced = builtins.replaceStrings [ "w" "-" "," ] [ "W" "_" ";" ] joined;
  json = builtins.toJSON (builtins.genList (i: "s${toString i}") 50000);
  short = builtins.substring 0 20000 joined;
  pieces = builtins.genList (i: builtins.substring (i - i / 4000 * 4000) 5 short) 100000;
in
{
  joinedLen = builtins.stringLength joined;
  textLen = builtins.stringLength text;
  accLen = builtins.stringLength acc;
  replacedHead = builtins.substring 0 30 replaced;
  jsonLen = builtins.stringLength json;
  piecesLen = builtins.stringLength (builtins.concatStringsSep "" pieces);
}
