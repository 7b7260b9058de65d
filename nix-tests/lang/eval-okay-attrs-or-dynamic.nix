let s = { foo = 1; }; n = "bar"; in [ (s.${n} or 2) (s.${"foo"} or 3) ]
