builtins.fromTOML "[t]\nx = [ 1, { d = 07:32:00 } ]"
