builtins.typeOf (throw "forced")
