let g = { x, y }: x; in g { x = 1; y = 2; z = 3; }
