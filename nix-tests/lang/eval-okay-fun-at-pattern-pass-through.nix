# the @-name includes attributes swallowed by the ellipsis
(args@{ a, ... }: builtins.attrNames args) { a = 1; b = 2; c = 3; }
