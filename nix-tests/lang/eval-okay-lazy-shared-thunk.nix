# a let-bound thunk can be used several times (it is shared, evaluated once)
let big = builtins.foldl' (a: b: a + b) 0 (builtins.genList (x: x) 100000); in [ big big (big - big) ]
