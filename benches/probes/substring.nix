# n substrings of length 10 of an n-byte string (splitString's shape): linear (Nix: linear)
# probe-n: 100000
n: let s = builtins.concatStringsSep "" (builtins.genList (i: "0123456789") (n / 10)); in
builtins.foldl' (acc: i: acc + builtins.stringLength (builtins.substring i 10 s)) 0 (builtins.genList (i: i) n)
