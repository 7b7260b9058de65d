# `outputOf` (modern Nix, dynamic derivations): for an input-addressed derivation, the
# output's path, with the output in its context (the documented behaviour: "the output
# path will just be returned"). Nix 2.8 has no `outputOf`. A name with context is refused
# (forceStringNoCtx), hence the discarded context of the last selection.
let
  d = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "dev" ]; };
in
if builtins ? outputOf then [
  (builtins.outputOf d.drvPath "dev" == d.dev.outPath)
  (builtins.attrNames (builtins.getContext (builtins.outputOf d.drvPath "out")) == [ d.drvPath ])
  (builtins.getContext (builtins.outputOf d.drvPath "out")).${builtins.unsafeDiscardStringContext d.drvPath}.outputs
] else "outputOf is missing"
