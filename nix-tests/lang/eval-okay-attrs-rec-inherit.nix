# `inherit x` in a rec set takes x from the enclosing scope, not from the set
let x = "outer"; in rec { inherit x; y = x; }
