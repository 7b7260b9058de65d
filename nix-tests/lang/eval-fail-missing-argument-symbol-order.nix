# Both formals are missing: the one reported is the first in symbol order (modern Nix
# sorts formals by symbol, first interned first), here `b`, seen before `a`.
let b = 1; in ({ a, b }: b) { }
