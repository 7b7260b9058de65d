let a = import ./lib/mk.nix "ctx-dep" {};
in import ./lib/mk.nix "chain-discard-context" { p = builtins.unsafeDiscardStringContext a.outPath; }
