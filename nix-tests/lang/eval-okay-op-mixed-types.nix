builtins.map builtins.typeOf [ (1 + 1) (1 + 1.0) (1.0 + 1) (2 * 2.0) (4 / 2) (4 / 2.0) (1 - 1.0) ]
