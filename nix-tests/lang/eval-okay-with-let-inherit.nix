# inherit in a let can take its value from a with
with { a = 1; }; let inherit a; in a
