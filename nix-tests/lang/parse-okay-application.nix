let f = a: b: a; in [ (f 1 2) (f (f 1 2) 3) f ]
