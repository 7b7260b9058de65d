# `//` checks that its left operand is a set before it evaluates the right one
# (Nix's ExprOpUpdate): a type error, which `tryEval` does not catch.
builtins.tryEval (1 // throw "right operand")
