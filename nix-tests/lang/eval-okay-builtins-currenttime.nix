let t = builtins.currentTime; in [ (builtins.typeOf t) (t > 1600000000) (t == builtins.currentTime) ]
