# Strings are bytes: substring can cut a multi-byte UTF-8 character, and the pieces
# print, count and join back as bytes.
let
  s = "aé€😀z";
  cut = builtins.substring 0 2 s;
  pieces = builtins.genList (i: builtins.substring i 1 s) (builtins.stringLength s);
in
{
  len = builtins.stringLength s;
  inherit cut pieces;
  cutLen = builtins.stringLength cut;
  rejoined = builtins.concatStringsSep "" pieces;
  rejoinedEq = builtins.concatStringsSep "" pieces == s;
  mid = builtins.substring 2 5 s;
  tail = builtins.substring 3 100 s;
  whole = builtins.substring 0 (-1) s;
  empty = builtins.substring 100 1 s;
  interp = "${builtins.substring 1 1 s}|${builtins.substring 2 1 s}";
  plus = builtins.substring 1 1 s + builtins.substring 2 1 s;
  plusEq = builtins.substring 1 1 s + builtins.substring 2 1 s == "é";
  lens = map builtins.stringLength [ (builtins.substring 1 1 s) (builtins.substring 3 3 s) ];
  dollar = builtins.substring 0 2 "\${x}";
}
