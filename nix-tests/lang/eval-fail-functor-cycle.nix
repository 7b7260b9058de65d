# A set whose `__functor` is the set itself: each call peels the same set again, with no
# function call to count, until the stack ends it (not the native stack's abort).
let f = { __functor = f; }; in builtins.map f [ 1 ]
