builtins.isNull (throw "forced")
