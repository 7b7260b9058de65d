[ (builtins.length [ ]) (builtins.length [ (throw "lazy") 2 ]) ]
