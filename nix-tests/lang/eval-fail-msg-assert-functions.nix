assert (x: x) == (x: x); 1
