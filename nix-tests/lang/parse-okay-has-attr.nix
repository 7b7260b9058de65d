let s = { }; in [ (s ? a) (s ? a.b.c) (s ? ${"x"}) (s ? a == true) ]
