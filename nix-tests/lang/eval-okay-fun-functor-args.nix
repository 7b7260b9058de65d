# a set with __functor is callable but is still a set
builtins.isAttrs { __functor = self: { x }: x; }
