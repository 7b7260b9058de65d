# attribute paths are allowed in let and build nested sets
let a.b.c = 1; a.b.d = 2; in a
