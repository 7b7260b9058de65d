# ? on a non-set is false, not an error
[ (1 ? a) ("s" ? a) (null ? a) ([ ] ? a) ({ a = 1; } ? a.b) ]
