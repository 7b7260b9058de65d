# `__toString` returning the set itself: `toJSON` peels it again and again, a recursion
# in Nix that ends at the stack's limit (not a hang).
let s = { __toString = x: s; }; in builtins.toJSON [ s ]
