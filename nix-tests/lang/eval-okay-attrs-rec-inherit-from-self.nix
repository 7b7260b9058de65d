rec { s = { v = 7; }; inherit (s) v; w = v + 1; }
