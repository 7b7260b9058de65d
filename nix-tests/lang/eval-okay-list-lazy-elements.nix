[ (builtins.length [ (throw "a") (abort "b") ]) (builtins.elemAt [ (throw "a") "ok" ] 1) ]
