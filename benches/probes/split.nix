# split on an n-byte string with a separator every 8 bytes: linear (Nix: linear)
# probe-n: 1000000
n: let s = builtins.concatStringsSep "" (builtins.genList (i: "abcdefg,") (n / 8)); in
builtins.length (builtins.split "," s) + builtins.length (builtins.split "(,)|(;)" s)
