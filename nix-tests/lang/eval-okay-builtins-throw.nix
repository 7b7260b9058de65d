[ (builtins.tryEval (throw "msg")) (builtins.tryEval (throw "")) ]
