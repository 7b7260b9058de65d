builtins.isFunction (throw "forced")
