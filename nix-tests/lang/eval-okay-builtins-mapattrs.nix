[ (builtins.mapAttrs (n: v: "${n}=${toString v}") { a = 1; b = 2; }) (builtins.mapAttrs (n: v: v) { })
  (builtins.attrNames (builtins.mapAttrs (n: v: throw "lazy") { x = 1; y = 2; })) ((builtins.mapAttrs (n: v: v * 10) { a = 1; b = throw "not forced"; }).a) ]
