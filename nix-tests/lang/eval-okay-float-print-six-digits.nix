# floats are printed with 6 significant digits
[ (1.0 / 3) 3.14159265 2.718281828 100.5 123.456789 ]
