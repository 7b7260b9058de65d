# Which operand is forced first, where an `abort` on the wrong side would end the run:
# `a > b` and `a <= b` are `__lessThan b a` in Nix, `elemAt` forces its index and
# `scopedImport` its path first. POSIX class names and equivalence classes in regexes
# ignore case, as libstdc++ reads them.
[
  (builtins.tryEval ((abort "left operand first") <= (throw "right")))
  (builtins.tryEval ((abort "left operand first") > (throw "right")))
  (builtins.tryEval (builtins.elemAt (abort "list first") (throw "index")))
  (builtins.tryEval (builtins.scopedImport (abort "scope first") (throw "path")))
  (builtins.match "[[:ALPHA:]][[:D:]][[:Space:]]" "a1 ")
  (builtins.match "[[=a=]][[=B=]]" "Ab")
]
