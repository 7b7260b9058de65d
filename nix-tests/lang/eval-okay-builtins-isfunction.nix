[ (builtins.isFunction (x: x)) (builtins.isFunction builtins.map) (builtins.isFunction (builtins.map (x: x))) (builtins.isFunction { __functor = s: x: x; }) (builtins.isFunction 1) ]
