import ./lib/mk.nix "fod-sha1-nix32" { outputHashAlgo = "sha1"; outputHash = "3jgkp9nzcwfxvxxxnfsf5mb5qc8ndvvk"; }
