builtins.toJSON { a = { __toString = self: { b = 1; }; }; }
