[ (builtins.tryEval 1) (builtins.tryEval (throw "t")) (builtins.tryEval (assert false; 1)) (builtins.tryEval { a = throw "lazy"; }).success
  (builtins.tryEval (builtins.tryEval (throw "inner"))) ((builtins.tryEval [ (throw "x") ]).success) ]
