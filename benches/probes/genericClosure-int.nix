# genericClosure over n descending int keys: n log n (Nix: std::set)
# probe-n: 100000
n: builtins.length (builtins.genericClosure { startSet = [ { key = n; } ]; operator = x: if x.key > 0 then [ { key = x.key - 1; } ] else [ ]; })
