(import ./lib/mk.nix "override" { v = 1; }) // { drvPath = (import ./lib/mk.nix "override-2" {}).drvPath; }
