let x = 1; in with (throw "not evaluated"); x
