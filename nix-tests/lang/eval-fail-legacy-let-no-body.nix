let { x = 1; }
