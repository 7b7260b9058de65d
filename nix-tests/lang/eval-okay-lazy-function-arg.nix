(x: 1) (throw "argument never forced")
