# replaceStrings with 3 patterns on an n-byte string: linear in n (Nix: linear)
# probe-n: 1000000
n: let s = builtins.concatStringsSep "" (builtins.genList (i: "ab'c\"d ") (n / 8)); in
builtins.stringLength (builtins.replaceStrings [ "'" "\"" "ab" ] [ "'\\''" "\\\"" "x" ] s)
