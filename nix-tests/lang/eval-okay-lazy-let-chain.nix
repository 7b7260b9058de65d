let a = b; b = c; c = throw "never"; d = 4; in d
