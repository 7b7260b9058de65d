# `f -1` is a subtraction, not an application
let f = 10; in f -1
