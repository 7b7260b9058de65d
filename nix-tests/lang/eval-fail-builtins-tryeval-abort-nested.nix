builtins.tryEval { a = builtins.deepSeq (abort "deep abort") 1; }.a
