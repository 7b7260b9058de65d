# A type error shows the value, sorted, as modern Nix's printValue does.
let v = { b = "x"; a = 1; c = [ ]; d = null; e = true; f = 1.5; }; in builtins.length (builtins.deepSeq v v)
