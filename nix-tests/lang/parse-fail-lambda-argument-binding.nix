{ a = f x: x; }
