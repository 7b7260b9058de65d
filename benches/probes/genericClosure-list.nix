# genericClosure over n descending list keys ([ "name" version ], as lib.closePropagation's are not): n log n (Nix: std::set, compares lists)
# probe-n: 10000
n: builtins.length (builtins.genericClosure { startSet = [ { key = [ "k" n ]; } ]; operator = x: let v = builtins.elemAt x.key 1; in if v > 0 then [ { key = [ "k" (v - 1) ]; } ] else [ ]; })
