let cond = false; in assert cond; 1
