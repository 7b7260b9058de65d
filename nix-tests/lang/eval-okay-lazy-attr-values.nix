let s = { a = throw "a"; b = throw "b"; c = 3; }; in s.c
