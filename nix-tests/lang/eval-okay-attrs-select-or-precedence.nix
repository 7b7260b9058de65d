# `or` belongs to the selection: f s.a or 3 is f (s.a or 3)
let f = x: x * 2; s = { }; in f s.a or 3
