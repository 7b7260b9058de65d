# inherit inside a with picks the with-bound value
with { a = 1; }; { inherit a; }
