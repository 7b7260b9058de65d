builtins.sort (a: b: a < b) [ 1 2 3 "a" 4 ]
