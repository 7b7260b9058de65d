builtins.hashFile "sha256" ./lib/store-src/missing
