a: a * 2
