let s = { a = x: x; }; in s == s
