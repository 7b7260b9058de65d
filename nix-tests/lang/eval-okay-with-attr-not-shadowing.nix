# attribute names of a set are not variables
with { a = 1; }; { a = 2; b = a; }
