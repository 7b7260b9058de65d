# `+` coerces a left operand that is not a number, path or string before it evaluates the
# right one (Nix's ExprConcatStrings): a type error, which `tryEval` does not catch.
builtins.tryEval ([ ] + throw "right operand")
