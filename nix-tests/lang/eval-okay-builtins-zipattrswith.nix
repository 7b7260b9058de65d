[ (builtins.zipAttrsWith (n: vs: { inherit n vs; }) [ { a = 1; b = 2; } { b = 3; c = 4; } { a = 5; } ]) (builtins.zipAttrsWith (n: vs: vs) [ ])
  (builtins.attrNames (builtins.zipAttrsWith (n: vs: throw "lazy") [ { x = 1; } ])) ]
