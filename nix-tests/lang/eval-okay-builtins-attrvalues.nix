[ (builtins.attrValues { z = 1; a = "x"; "A" = [ ]; }) (builtins.attrValues { }) ]
