# formals shadow with-bound names
with { x = "with"; }; ({ x }: x) { x = "arg"; }
