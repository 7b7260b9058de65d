[ (builtins.genList (i: i * i) 5) (builtins.genList (i: i) 0) (builtins.length (builtins.genList (i: throw "lazy") 3)) ]
