# replaceStrings where most bytes start no pattern: the first pattern in list order wins at
# a position, patterns share first bytes (`@out@`, `@bin@`, `@`), overlap, sit at the start
# and the end, start with a multi-byte character, and a long subject has long gaps.
let
  r = builtins.replaceStrings;
  gap = builtins.concatStringsSep "" (builtins.genList (i: "plain text ${toString i} ") 50);
in [
  (r [ "@out@" "@bin@" "@" ] [ "/nix/out" "/nix/bin" "(at)" ] "@out@/x @bin@ @ @@out@ @o@")
  (r [ "ab" "a" "b" ] [ "1" "2" "3" ] "aabbab ba")
  (r [ "a" "ab" ] [ "1" "2" ] "abab")
  (r [ "é" "ü" "x" ] [ "e" "u" "ks" ] "héllo wörld ünïcode x")
  (r [ "end" ] [ "END" ] "the end")
  (r [ "start" ] [ "S" ] "start here")
  (r [ "zz" ] [ "Z" ] "")
  (r [ "@marker@" ] [ "!" ] (gap + "@marker@" + gap + "@marker" + gap))
  (r [ "\n" "\t" ] [ "\\n" "\\t" ] "line1\nline2\tend\n")
]
