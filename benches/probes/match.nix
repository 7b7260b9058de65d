# match of a capturing pattern on n strings: linear (Nix: linear)
# probe-n: 100000
n: builtins.length (builtins.filter (x: x != null) (builtins.genList (i: builtins.match "([a-z]+)-([0-9]+)(\\.[0-9]+)?" "pkg-${toString i}") n))
