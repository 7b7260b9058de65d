with { s = { p = "from-with"; }; }; { inherit (s) p; }
