builtins.length (builtins.genList (i: if i == 2 then throw "x" else i) 5)
