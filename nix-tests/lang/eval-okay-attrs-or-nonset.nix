# `or` also covers selecting from a non-set in the middle of the path
let s = { a = 1; }; in s.a.b or "default"
