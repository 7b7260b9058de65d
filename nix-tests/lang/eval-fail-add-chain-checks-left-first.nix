# The same at the start of a chain of `+` (evaluated as a loop): the left operand, a set
# whose __toString returns a list, is coerced and fails before the right one runs.
let s = { __toString = self: [ 1 ]; }; in
builtins.tryEval (s + throw "right operand" + "b" + "c")
