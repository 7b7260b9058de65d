# mapAttrs creates new thunks, so identity is lost
let f = x: x; in { inherit f; } == builtins.mapAttrs (n: v: v) { inherit f; }
