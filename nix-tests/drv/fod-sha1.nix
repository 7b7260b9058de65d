import ./lib/mk.nix "fod-sha1" { outputHashAlgo = "sha1"; outputHash = "da39a3ee5e6b4b0d3255bfef95601890afd80709"; }
