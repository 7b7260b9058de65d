# Patterns tried in order at every position, an empty one matching between characters
# (and at the end), patterns sharing a first byte, a replacement with context.
let
  r = builtins.replaceStrings;
  drv = derivation { name = "d"; builder = "b"; system = "s"; };
in
[
  (r [ "." "" ] [ "" "-" ] "a.b.c")
  (r [ "" ] [ "+" ] "")
  (r [ "" ] [ "+" ] "xyz")
  (r [ "ab" "a" "" ] [ "1" "2" "_" ] "aabab.a")
  (r [ "a" "ab" ] [ "1" "2" ] "abab")
  (r [ "abc" "abd" ] [ "X" "Y" ] "abcabdab")
  (builtins.stringLength (r [ "." "" ] [ "" "" ] "package-name_1.with.mixedcase"))
  (builtins.getContext (r [ "" ] [ "${drv}" ] "ab") == builtins.getContext "${drv}")
  (builtins.hasContext (r [ "" "b" ] [ "" "${drv}" ] "aaa"))
]
