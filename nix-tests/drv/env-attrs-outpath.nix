import ./lib/mk.nix "env-attrs-outpath" { v = { outPath = "/some/where"; }; }
