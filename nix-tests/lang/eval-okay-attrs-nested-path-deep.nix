{ a.b.c.d.e = 1; a.b.c.f = 2; a.b.g = 3; h = 4; }
