let s = { a = { b = 1; }; c = null; }; in [ (s ? a) (s ? b) (s ? c) (s ? a.b) (s ? a.c) (s ? a.b.c) (s ? "a") (s ? ${"c"}) ]
