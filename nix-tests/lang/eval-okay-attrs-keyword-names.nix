# keywords must be quoted to be used as attribute names (except `or`)
let s = { "if" = 1; "then" = 2; "let" = 4; "rec" = 6; "with" = 7; "inherit" = 8; or = 10; true = 11; null = 12; }; in [ s."if" s."then" s."let" s."rec" s."with" s."inherit" s.or s.true s.null ]
