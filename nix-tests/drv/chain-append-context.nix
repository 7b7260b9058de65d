let a = import ./lib/mk.nix "append-dep" { outputs = [ "out" "dev" ]; };
    s = builtins.appendContext "plain" { ${builtins.unsafeDiscardStringContext a.drvPath} = { outputs = [ "dev" ]; }; };
in import ./lib/mk.nix "chain-append-context" { inherit s; }
