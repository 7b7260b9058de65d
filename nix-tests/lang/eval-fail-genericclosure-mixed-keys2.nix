builtins.genericClosure { startSet = [ { key = "a"; } { key = 1.5; } ]; operator = x: [ ]; }
