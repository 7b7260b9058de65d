# elem of an absent string in a list of n strings, 200 times: linear in n (Nix: linear)
# probe-n: 20000
n: let l = builtins.genList (i: "s${toString i}") n; in
builtins.length (builtins.filter (i: builtins.elem "absent${toString i}" l) (builtins.genList (i: i) 200))
