{ "a.b" = { c = "dotted name"; }; }
