# genericClosure over n descending float keys: n log n (Nix: std::set)
# probe-n: 10000
n: builtins.length (builtins.genericClosure { startSet = [ { key = n * 1.5; } ]; operator = x: if x.key > 0 then [ { key = x.key - 1.5; } ] else [ ]; })
