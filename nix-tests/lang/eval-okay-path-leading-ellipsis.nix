# A path literal may start with `...`: Nix's lexer takes the longest match, a path, over
# the `...` token (fuzzing found `.../a` refused as a syntax error).
[
  (builtins.baseNameOf .../a)
  (builtins.baseNameOf ..../b.nix)
  (builtins.typeOf .../x)
  (builtins.baseNameOf (builtins.dirOf .../y/z))
  (({ ... }: 1) { })
  (({ a, ... }@args: a + args.b) { a = 1; b = 2; })
]
