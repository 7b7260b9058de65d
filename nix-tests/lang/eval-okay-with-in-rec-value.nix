rec { s = { v = 1; }; r = with s; v + 1; }
