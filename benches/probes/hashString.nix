# hashString sha256 of an n-byte string, 10 times: linear (Nix: linear)
# probe-n: 1000000
n: let s = builtins.concatStringsSep "" (builtins.genList (i: "0123456789") (n / 10)); in
builtins.foldl' (acc: i: acc + builtins.stringLength (builtins.hashString "sha256" (s + toString i))) 0 (builtins.genList (i: i) 10)
