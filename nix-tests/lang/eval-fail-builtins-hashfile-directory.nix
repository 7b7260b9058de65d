builtins.hashFile "sha256" ./lib/files/dir
