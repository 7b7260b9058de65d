{ l = [ "zero" { one = 1; } ]; }
