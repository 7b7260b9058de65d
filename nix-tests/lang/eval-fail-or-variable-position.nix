# `f or`: the variable `or` is placed where the rule starts, at `f` (parser.y: expr_simple OR_KW).
let f = x: x; g = x: x; in [ (g f or) ]
