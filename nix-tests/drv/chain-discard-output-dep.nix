let a = import ./lib/mk.nix "discard-dep" {};
in import ./lib/mk.nix "chain-discard-output-dep" { d = builtins.unsafeDiscardOutputDependency a.drvPath; }
