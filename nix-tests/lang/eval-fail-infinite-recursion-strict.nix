let x = { y = x.y; }; in x
