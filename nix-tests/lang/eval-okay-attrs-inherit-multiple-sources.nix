let a = { x = 1; }; b = { y = 2; }; in { inherit (a) x; inherit (b) y; z = 3; }
