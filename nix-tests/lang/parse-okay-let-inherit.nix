let src = { xa = 1; }; inherit (src) xa; yb = 2; in let inherit yb; in [ xa yb ]
