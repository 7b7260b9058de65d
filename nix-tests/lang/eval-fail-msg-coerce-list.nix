"" + (let v = [ [ 1 2 3 4 5 6 7 8 ] [ 1 2 3 4 ] ]; in builtins.deepSeq v v)
