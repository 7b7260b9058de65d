let s = rec { a = b.c; b = { c = 5; d = a; }; }; in s
