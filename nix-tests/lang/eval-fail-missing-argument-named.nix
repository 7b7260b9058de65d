let f = { a, b ? 2 }: a + b; in f { b = 3; }
