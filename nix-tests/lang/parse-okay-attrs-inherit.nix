let s = { y = 2; }; x = 1; in { inherit x; inherit (s) y; }
