[ (builtins.tryEval (builtins.deepSeq [ (throw "inside") ] 1)) (builtins.tryEval (builtins.deepSeq { a.b = 1; } 2)) ]
