{ a = { b = 1; c = [ 2 ]; }; other = throw "not evaluated"; }
