builtins.attrNames { b = 1; B = 2; _ = 3; "0" = 4; a = 5; "~" = 6; "Z" = 7; }
