let s = { a.b = 1; }; in [ s.a.b s.a.c or 2 s."a".${"b"} (s ? a.b) (s ? "a") ]
