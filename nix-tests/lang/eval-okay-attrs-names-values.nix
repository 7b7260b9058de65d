let s = { b = 2; a = 1; c = 3; }; in [ (builtins.attrNames s) (builtins.attrValues s) (builtins.attrNames { }) ]
