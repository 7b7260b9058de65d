# catAttrs over n sets: linear (Nix: linear)
# probe-n: 10000
n: builtins.length (builtins.catAttrs "x" (builtins.genList (i: if i / 2 * 2 == i then { x = i; } else { y = i; }) n))
