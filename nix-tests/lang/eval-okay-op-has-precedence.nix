# ? binds tighter than == and &&
[ ({ a = 1; } ? a == true) ({ a = 1; } ? a && { } ? b) ]
