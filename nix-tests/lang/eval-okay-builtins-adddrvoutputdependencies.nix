# `addDrvOutputDependencies` (modern Nix, 2.18+): the opposite of
# `unsafeDiscardOutputDependency`, turning a string's one constant context element (a
# `.drv` path) into a "derivation deep" one, and idempotent (its documentation). Checked by
# the equalities the documentation states, not printed paths. Nix 2.8 has no such builtin.
let
  d = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "dev" ]; };
  shallow = builtins.unsafeDiscardOutputDependency d.drvPath;
in
if builtins ? addDrvOutputDependencies then [
  (builtins.getContext (builtins.addDrvOutputDependencies shallow) == builtins.getContext d.drvPath)
  (builtins.getContext (builtins.addDrvOutputDependencies d.drvPath) == builtins.getContext d.drvPath)
  (builtins.addDrvOutputDependencies shallow == d.drvPath)
] else "addDrvOutputDependencies is missing"
