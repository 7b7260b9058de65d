let l = builtins.sort builtins.lessThan (builtins.genList (i: 1000 - i) 1000); in [ (builtins.head l) (builtins.elemAt l 999) ]
