# only throw and assert are caught by tryEval
builtins.tryEval { }.missing
