let s = { abc = 1; }; f = "a"; in s.${f + "bc"}
