builtins.elem 3 [ 1 (throw "elem forces elements") 3 ]
