# A float's exponent needs digits (Nix's FLOAT is the longest match): `0.5e` is the float
# 0.5 followed by the identifier `e`, `1.5e-x` the float and `e-x`.
let e = 1; ee = 2; E = 3; e-x = 4; s = { x = 5; }; in
[ 0.5e 1.e 1.5ee .5e 1.5E 1.5e-x 2.5e2 1.5e+3 (let e = s; in [ 1.5e.x ]) ]
