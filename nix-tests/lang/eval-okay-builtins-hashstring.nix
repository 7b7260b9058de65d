map (algo: map (s: builtins.hashString algo s) [ "" "abc" "hello\nworld" "✓ unicode" ]) [ "md5" "sha1" "sha256" "sha512" ]
++ [ (builtins.hashString "sha256" (builtins.toFile "ctx" "x")) ]
