builtins.hashFile "whirlpool" ./lib/store-src/b.txt
