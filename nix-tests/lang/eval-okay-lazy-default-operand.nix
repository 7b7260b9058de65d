# only the needed operand of `or` is evaluated
let s = { x = 1; }; in [ (s.x or (throw "no")) (s.y or 2) ]
