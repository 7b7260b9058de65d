let f = x: x; in { a = [ f ]; b = { c = f; }; } == { a = [ f ]; b = { c = f; }; }
