# bitAnd, bitOr and bitXor force their first argument as an integer before the second.
builtins.tryEval (builtins.bitAnd 1.5 (throw "second argument"))
