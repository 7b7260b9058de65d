# unary minus binds tighter than * and +, select and application bind tighter still
let f = x: x * 2; in [ (-f 3) (- 2 + 3) (-2 * -3) ]
