let f = x: x; in rec { a = f; } == { a = f; }
