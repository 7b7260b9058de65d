import ./lib/mk.nix "fod-empty-hash" { outputHashAlgo = "sha256"; outputHash = ""; }
