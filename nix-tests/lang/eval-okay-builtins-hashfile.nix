map (algo: builtins.hashFile algo ./lib/store-src/b.txt) [ "md5" "sha1" "sha256" "sha512" ]
++ [ (builtins.hashFile "sha256" "${toString ./lib/store-src}/a.nix") ]
