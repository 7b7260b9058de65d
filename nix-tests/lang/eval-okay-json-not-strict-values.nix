# Without --strict, constants and variables bound to them are values already and print.
let x = 2; in { a = 1; b = "s"; c = ./lib; f = 1.5; g = true; h = null; inherit x; }
