# select binds tighter than application
let f = x: x.a; s = { a = 1; }; in [ (f s) (f { a = 2; }) ]
