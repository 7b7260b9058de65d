[ (builtins.functionArgs ({ a, b ? 1, ... }: a)) (builtins.functionArgs (x: x)) (builtins.functionArgs ({ }: 1))
  (builtins.functionArgs builtins.map) (builtins.functionArgs (builtins.map (x: x))) (builtins.functionArgs (args@{ z ? 0 }: z)) ]
