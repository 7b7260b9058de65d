# A `__sub` from `with` does not take over negation (only a lexical binding does).
with { __sub = a: b: 7; }; [ (-1) (2 - 1) ]
