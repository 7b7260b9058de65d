let s = { v = 10; }; x = with s; v * 2; in x
