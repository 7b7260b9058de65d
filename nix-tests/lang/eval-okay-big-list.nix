let l = builtins.genList (i: i * 2) 100000; in [ (builtins.length l) (builtins.elemAt l 99999) (builtins.head l) ]
