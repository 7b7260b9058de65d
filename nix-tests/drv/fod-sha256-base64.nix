import ./lib/mk.nix "fod-sha256-base64" { outputHashAlgo = "sha256"; outputHash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; }
