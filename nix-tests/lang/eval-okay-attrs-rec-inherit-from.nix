let s = { p = 1; q = 2; }; in rec { inherit (s) p q; r = p + q; }
