map builtins.typeOf [ 1 1.5 "s" ./p true null [ ] { } (x: x) builtins.add (builtins.add 1) { __functor = s: x: x; } ]
