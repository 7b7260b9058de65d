assert { a = 1; b = 2; } == { a = 1; c = 2; }; 1
