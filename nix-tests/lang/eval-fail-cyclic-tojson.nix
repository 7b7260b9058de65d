let x = { a = x; }; in builtins.toJSON x
