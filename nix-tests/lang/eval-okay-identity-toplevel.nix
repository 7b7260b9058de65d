# a top-level == on two functions is always false
let f = x: x; in f == f
