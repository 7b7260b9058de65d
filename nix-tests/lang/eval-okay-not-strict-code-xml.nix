# `--xml` without --strict: Nix's thunks print as <unevaluated />.
let n = 2; in { a = n + 1; b = x: x; c = n; d = [ (n * n) n ]; }
