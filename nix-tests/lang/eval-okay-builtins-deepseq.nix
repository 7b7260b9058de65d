[ (builtins.deepSeq { a = [ 1 2 ]; } "done") (builtins.deepSeq 1 2) (builtins.tryEval (builtins.deepSeq { a.b = throw "deep"; } 1)) (builtins.deepSeq (x: throw "not called") 3) ]
