# a search path expression evaluates to a path
builtins.typeOf <lib>
