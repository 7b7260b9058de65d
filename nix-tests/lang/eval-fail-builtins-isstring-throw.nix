builtins.isString (throw "forced")
