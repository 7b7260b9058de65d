let r = builtins.tryEval (if true then 1 else abort "never"); in [ r (builtins.seq (x: abort "lazy") "kept") ]
