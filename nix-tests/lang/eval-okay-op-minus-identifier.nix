# `a-1` is an identifier, `a - 1` a subtraction
let a-1 = "ident"; a = 10; in [ a-1 (a - 1) (a -1) ]
