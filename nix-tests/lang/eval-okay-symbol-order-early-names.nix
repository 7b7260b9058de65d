# Attributes are forced in interning order, and Nix interns some names (`system`, `meta`,
# `builder`, ...) before any of the program's, but `success` only at the first `tryEval`.
[
  (builtins.tryEval (builtins.deepSeq { ab = throw "t"; success = abort "a"; } 1))
  (builtins.tryEval (builtins.deepSeq { ab = abort "a"; outputHash = throw "t"; } 1))
  (builtins.tryEval ({ ab = 1; system = 2; } == { ab = abort "a"; system = throw "t"; }))
]
