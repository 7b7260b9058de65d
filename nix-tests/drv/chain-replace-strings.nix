let a = import ./lib/mk.nix "repl-dep" {};
in import ./lib/mk.nix "chain-replace-strings" { s = builtins.replaceStrings [ "@out@" ] [ "${a}" ] "x @out@ y"; }
