# application binds tighter than any operator
let f = x: x * 10; in f 1 + f 2
