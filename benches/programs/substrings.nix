# Substrings of a large string.
# Measures: `builtins.substring` and `stringLength` on a 4 MB string, 1500 times
# (each substring is nearly the whole string), and `concatStringsSep` building it.
# Nix copies every substring (about 6 GB allocated in total); an evaluator
# that shares the string's buffer needs almost nothing.
let
  s = builtins.concatStringsSep "" (builtins.genList (i: "abcdefgh") 500000);
in
builtins.foldl' (acc: i: acc + builtins.stringLength (builtins.substring i 4000000 s)) 0
  (builtins.genList (i: i) 1500)
