import ./lib/mk.nix "fod-md5" { outputHashAlgo = "md5"; outputHash = "d41d8cd98f00b204e9800998ecf8427e"; }
