let a = builtins.toFile "a.txt" "hello"; in [ a (builtins.toFile "b" "") (builtins.toFile "refs" "see ${a}") (builtins.toFile "src-ref" "${./lib/store-src/a.nix}") ]
