[ (builtins.seq 1 2) (builtins.seq [ (throw "not forced") ] "shallow") (builtins.seq { a = throw "no"; } "ok") ]
