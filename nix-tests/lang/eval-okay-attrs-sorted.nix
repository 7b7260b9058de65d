# attribute names are printed sorted by bytes
{ b = 1; a = 2; B = 3; "_" = 4; "1" = 5; "a-b" = 6; "a'" = 7; "" = 8; " " = 9; z = 10; "é" = 11; }
