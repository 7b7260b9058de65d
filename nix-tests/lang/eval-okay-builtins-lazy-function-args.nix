[ (builtins.genericClosure { startSet = [ ]; operator = 1; }) (builtins.genList 1 0) ]
