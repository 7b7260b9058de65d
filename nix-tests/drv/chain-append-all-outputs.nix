let a = import ./lib/mk.nix "append-all-dep" {};
    s = builtins.appendContext "plain" { ${builtins.unsafeDiscardStringContext a.drvPath} = { allOutputs = true; }; };
in import ./lib/mk.nix "chain-append-all-outputs" { inherit s; }
