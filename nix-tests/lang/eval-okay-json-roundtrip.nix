let v = { list = [ 1 "two" { three = 3; } ]; n = null; }; in builtins.fromJSON (builtins.toJSON v) == v
