builtins.hashString "blake3" ""
