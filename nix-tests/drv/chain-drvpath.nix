let a = import ./lib/mk.nix "drvpath-dep" {};
    b = import ./lib/mk.nix "drvpath-mid" { dep = a; };
in import ./lib/mk.nix "chain-drvpath" { theDrv = b.drvPath; }
