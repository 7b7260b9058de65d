let s = { t = { u = "deep"; }; }; in { inherit (s.t) u; }
