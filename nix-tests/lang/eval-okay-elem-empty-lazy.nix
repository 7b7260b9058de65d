# `elem` forces its needle only to compare it: with an empty list it is never forced.
[ (builtins.elem (throw "never forced") [ ]) (builtins.elem 1 [ 2 1 ]) (builtins.elem "a" [ ]) ]
