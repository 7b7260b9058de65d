# A path given to a builtin that takes a string is copied to the store first
# (coerceToString with copyToStore): its store path, with the path's context.
let p = ./eval-okay-path-string-builtins.nix; in
[
  (builtins.stringLength p)
  (builtins.substring 0 11 p)
  (builtins.hasContext (builtins.substring 0 100 p))
  (builtins.hasContext (builtins.unsafeDiscardOutputDependency p))
  (builtins.unsafeDiscardStringContext p == builtins.unsafeDiscardStringContext "${p}")
  (builtins.tryEval (throw p)).success
]
