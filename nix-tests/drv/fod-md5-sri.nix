import ./lib/mk.nix "fod-md5-sri" { outputHash = "md5-1B2M2Y8AsgTpgAmY7PhCfg=="; }
