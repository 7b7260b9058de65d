[ (builtins.attrNames { b = 1; a = 2; "B" = 3; "_" = 4; "~" = 5; "é" = 6; "10" = 7; "9" = 8; }) (builtins.attrNames { }) ]
