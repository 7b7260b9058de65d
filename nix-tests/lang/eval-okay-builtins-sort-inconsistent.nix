let l = builtins.genList (i: (i * 7919) - (i / 3) * 31 - 50 * (i / 11)) 40; in [
  (builtins.sort (a: b: true) (builtins.genList (i: i) 17)) (builtins.sort (a: b: false) [ 3 1 2 ])
  (builtins.sort (a: b: true) l) (builtins.sort (a: b: a <= b) l) (builtins.sort (a: b: (a - b) / 7 < 1) l)
  (builtins.sort (a: b: builtins.bitAnd a 3 < builtins.bitAnd b 5) l) (builtins.sort (a: b: a != b) (builtins.genList (i: builtins.bitXor i 5) 23))
]
